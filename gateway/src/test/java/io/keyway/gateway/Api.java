package io.keyway.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A blocking HTTP client for black-box tests of the gateway. */
public final class Api {
  private final String base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public Api(String base) {
    this.base = base;
  }

  /** A response: status, headers, raw body. */
  public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    /** The {@code error.code} of an error body. */
    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  public Response delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public Response post(String path, String token, JsonObject body) {
    return raw("POST", path, token, body == null ? "" : body.encode());
  }

  public Response patch(String path, String token, JsonObject body) {
    return raw("PATCH", path, token, body.encode());
  }

  /** A POST with an {@code Idempotency-Key} header. */
  public Response postKeyed(String path, String token, JsonObject body, String idempotencyKey) {
    return send(request(path, token).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  /** Any method, any body text (for malformed input). */
  public Response raw(String method, String path, String token, String body) {
    return send(request(path, token).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** A request with exactly this Authorization header value (or none when null). */
  public Response getWithAuthorization(String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return send(b.GET().build());
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().map(), r.body());
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
    }
  }
}
