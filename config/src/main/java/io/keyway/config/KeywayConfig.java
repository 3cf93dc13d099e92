package io.keyway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The effective, validated configuration of one node. Built only by {@link ConfigLoader}; every
 * value here has already passed the checks that startup promises.
 */
public record KeywayConfig(
    Profile profile,
    String httpHost,
    int httpPort,
    Path dataDir,
    Optional<DbUrl> dbUrl,
    int dbPoolSize,
    SecretBytes masterKey,
    SecretBytes jwtSecret,
    String jwtIssuer,
    String jwtAudience,
    Duration accessTokenTtl,
    Duration refreshTokenTtl,
    List<String> allowedOrigins,
    ClusterSettings cluster,
    int instances,
    int loginMaxFailures,
    int loginMaxFailuresPerAddress,
    Duration loginWindow,
    int passwordHashQueue,
    Duration ledgerCheckpointInterval,
    Duration engineTick,
    Duration approvalTtl,
    int venueRequestsPerMinute,
    int mcpRequestsPerMinute,
    String alpacaPaperUrl,
    String alpacaLiveUrl,
    String alpacaDataUrl) {

  /** True when no {@code KEYWAY_DB_URL} was given and the embedded PostgreSQL serves this node. */
  public boolean embeddedDatabase() {
    return dbUrl.isEmpty();
  }

  /** A copy with another instance count ({@code --instances}). */
  public KeywayConfig withInstances(int n) {
    return new KeywayConfig(profile, httpHost, httpPort, dataDir, dbUrl, dbPoolSize, masterKey,
        jwtSecret, jwtIssuer, jwtAudience, accessTokenTtl, refreshTokenTtl, allowedOrigins,
        cluster, n, loginMaxFailures, loginMaxFailuresPerAddress, loginWindow,
        passwordHashQueue, ledgerCheckpointInterval, engineTick, approvalTtl, venueRequestsPerMinute, mcpRequestsPerMinute,
        alpacaPaperUrl, alpacaLiveUrl, alpacaDataUrl);
  }

  /** A copy that joins the cluster ({@code --cluster}). */
  public KeywayConfig withCluster(boolean on) {
    return new KeywayConfig(profile, httpHost, httpPort, dataDir, dbUrl, dbPoolSize, masterKey,
        jwtSecret, jwtIssuer, jwtAudience, accessTokenTtl, refreshTokenTtl, allowedOrigins,
        cluster.withEnabled(on), instances, loginMaxFailures, loginMaxFailuresPerAddress, loginWindow,
        passwordHashQueue, ledgerCheckpointInterval, engineTick, approvalTtl, venueRequestsPerMinute, mcpRequestsPerMinute,
        alpacaPaperUrl, alpacaLiveUrl, alpacaDataUrl);
  }
}
