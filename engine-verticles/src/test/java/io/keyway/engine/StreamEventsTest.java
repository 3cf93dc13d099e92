package io.keyway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StreamEventsTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    StreamEvents.register(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject balance() {
    return new JsonObject().put("type", "balance").put("accountId", UUID.randomUUID().toString()).put("seq", 7L)
        .put("cash", "1000.00").put("equity", "1012.50").put("asOf", "2026-11-23T23:00:00Z");
  }

  @Test
  @DisplayName("every local consumer reads the published event, and none can change what another reads")
  void sharedReadOnly() throws Exception {
    String address = StreamAddresses.tenant(UUID.randomUUID());
    List<CompletableFuture<JsonObject>> heard = List.of(new CompletableFuture<>(), new CompletableFuture<>());
    for (CompletableFuture<JsonObject> f : heard) {
      vertx.eventBus().<JsonObject>consumer(address, m -> f.complete(m.body())).completion()
          .await(5, TimeUnit.SECONDS);
    }
    JsonObject nested = new JsonObject().put("id", "o-1");
    JsonObject event = balance().put("order", nested);
    JsonObject expected = event.copy();
    StreamEvents.publish(vertx, address, event);
    for (CompletableFuture<JsonObject> f : heard) {
      JsonObject body = f.get(5, TimeUnit.SECONDS);
      assertThat(body.getValue("order")).as("the published body itself, not a copy").isSameAs(nested);
      assertThat(body).isEqualTo(expected);
      assertThat(body.encode()).isEqualTo(expected.encode());
      assertThatThrownBy(() -> body.put("cash", "0.00")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> body.remove("seq")).isInstanceOf(UnsupportedOperationException.class);
    }
    assertThat(event).isEqualTo(expected);
  }

  @Test
  @DisplayName("between nodes the event travels as its JSON, read back from where it starts in the buffer")
  void wireForm() {
    JsonObject event = balance().put("order", new JsonObject().put("id", "o-1").put("qty", "2"));
    Buffer wire = Buffer.buffer("pre");
    StreamEvents.codec().encodeToWire(wire, event);
    wire.appendString("post");
    assertThat(StreamEvents.codec().decodeFromWire(3, wire)).isEqualTo(event);
  }

  @Test
  @DisplayName("registering the codec again on the same Vert.x is harmless")
  void registersOnce() throws Exception {
    StreamEvents.register(vertx);
    StreamEvents.register(vertx);
    String address = StreamAddresses.tenant(UUID.randomUUID());
    CompletableFuture<JsonObject> heard = new CompletableFuture<>();
    vertx.eventBus().<JsonObject>consumer(address, m -> heard.complete(m.body())).completion()
        .await(5, TimeUnit.SECONDS);
    StreamEvents.publish(vertx, address, balance().put("seq", 8L));
    assertThat(heard.join().getLong("seq")).isEqualTo(8L);
  }
}
