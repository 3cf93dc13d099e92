package io.keyway.vault;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * Which Netty event loop a Vert.x context runs on. Vert.x 5 has no public API for it, so this is the
 * one class of the vault that uses its internal API ({@link ContextInternal#nettyEventLoop()},
 * {@link VertxInternal#nettyEventLoopGroup()}, {@link VertxInternal#contextBuilder()}).
 */
final class EventLoops {
  private EventLoops() {}

  /** The event loop {@code context} runs its tasks on. */
  static EventLoop of(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /** The event loop of the calling code's context, or null off an event-loop context (a worker, a plain thread). */
  static EventLoop current() {
    Context context = Vertx.currentContext();
    return context != null && context.isEventLoopContext() ? of(context) : null;
  }

  /** The event loops of {@code vertx}. */
  static List<EventLoop> all(Vertx vertx) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add((EventLoop) loop);
    }
    return loops;
  }

  /**
   * Moves the round-robin by which {@code vertx} gives new contexts their event loop on by one turn; the
   * loop that turn gave.
   */
  static EventLoop turn(Vertx vertx) {
    return (EventLoop) ((VertxInternal) vertx).nettyEventLoopGroup().next();
  }

  /** A new event-loop context of {@code vertx} on {@code loop} (for tests that must call from a given loop). */
  static Context contextOn(Vertx vertx, EventLoop loop) {
    return ((VertxInternal) vertx).contextBuilder().withEventLoop(loop).build();
  }
}
