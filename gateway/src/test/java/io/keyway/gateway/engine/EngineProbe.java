package io.keyway.gateway.engine;

import io.keyway.engine.EngineAddresses;
import io.keyway.gateway.Api;
import io.keyway.gateway.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** What the engine tests share: a keyed POST, and what they may ask an engine directly over the event bus. */
public final class EngineProbe {
  private EngineProbe() {}

  /** How many ticks the account's engine has completed (its {@code status} command), on whichever node it runs. */
  public static long ticks(TestGateway gateway, String accountId) {
    try {
      return gateway.node().vertx().eventBus()
          .<JsonObject>request(EngineAddresses.command(UUID.fromString(accountId)), new JsonObject().put("op", "status"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body().getLong("ticks");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A POST as {@code s}, with an {@code Idempotency-Key} header unless {@code key} is null. */
  static Api.Response post(TestGateway gateway, TestGateway.Session s, String path, JsonObject body, String key) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.node().httpPort() + path))
          .header("Authorization", "Bearer " + s.accessToken()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
      if (key != null) {
        b.header("Idempotency-Key", key);
      }
      HttpResponse<String> r = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Api.Response(r.statusCode(), r.headers().map(), r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
