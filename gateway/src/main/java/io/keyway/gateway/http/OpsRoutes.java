package io.keyway.gateway.http;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;

/** Liveness, readiness, Prometheus metrics and the OpenAPI description. */
final class OpsRoutes {
  private final Vertx vertx;
  private final Pool pool;
  private final PrometheusMeterRegistry registry;
  private final Buffer openApi;

  OpsRoutes(Vertx vertx, Pool pool, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.registry = registry;
    this.openApi = loadOpenApi();
  }

  void mount(Router router) {
    router.get("/health").handler(ctx -> Replies.json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.get("/api/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8")
        .end(openApi));
  }

  /** Ready when the database answers and, on a clustered node, the cluster manager is active. */
  private void ready(RoutingContext ctx) {
    JsonObject cluster = clusterStatus();
    if (cluster.getBoolean("enabled") && !cluster.getBoolean("active")) {
      ctx.fail(KeywayException.of(ErrorCode.UNAVAILABLE, "not a member of the cluster"));
      return;
    }
    pool.query("SELECT 1").execute()
        .onSuccess(x -> Replies.json(ctx, 200, new JsonObject().put("status", "ready").put("database", "up")
            .put("cluster", cluster)))
        .onFailure(e -> ctx.fail(KeywayException.of(ErrorCode.UNAVAILABLE, "database unreachable")));
  }

  /** {@code {enabled, active, members}}: this node's view of the Hazelcast membership (no names: /ready is public). */
  private JsonObject clusterStatus() {
    if (!vertx.isClustered()) {
      return new JsonObject().put("enabled", false).put("active", false).put("members", 1);
    }
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    boolean active = cm.isActive();
    return new JsonObject().put("enabled", true).put("active", active)
        .put("members", active ? cm.getNodes().size() : 0);
  }

  private static Buffer loadOpenApi() {
    try (InputStream in = OpsRoutes.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("openapi.yaml unreadable", e);
    }
  }
}
