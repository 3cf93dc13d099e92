package io.keyway.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few requests before the load: one sign-in over HTTP, then one request per target to check
 * it answers 200 before anything is measured. Not used for the load itself.
 */
final class SetupClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String baseUrl;

  SetupClient(String host, int port) {
    this.baseUrl = "http://" + host + ":" + port;
  }

  /** POST /api/auth/login; the access token, or an exception naming the status. */
  String login(BenchUser user) throws IOException, InterruptedException {
    String body = new JsonObject().put("email", user.email()).put("password", user.password()).encode();
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/auth/login"))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("login answered " + response.statusCode() + ": " + response.body());
    }
    JsonObject tokens = new JsonObject(response.body());
    if (tokens.getBoolean("mustResetPassword", false)) {
      throw new IOException("the benchmark user must reset the password; it was meant to be created with --no-reset");
    }
    return tokens.getString("accessToken");
  }

  /** One GET of {@code target}; fails unless it answers 200. */
  void requireOk(LoadTarget target) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.url())).timeout(TIMEOUT).GET();
    target.authorization().ifPresent(header -> request.header("Authorization", header));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + target.path() + " answered " + response.statusCode() + ": " + response.body());
    }
  }
}
