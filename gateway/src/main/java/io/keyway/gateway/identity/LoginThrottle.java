package io.keyway.gateway.identity;

import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed logins per email and per client address over a sliding window, over every node on the database
 * ({@code identity.login_failures}, migration identity V4). A key with too many recent failures is refused until
 * enough of them leave the window; the answer says how long that is. The table holds SHA-256 digests of the keys,
 * never an email or an address, and the times come from this node's {@code clock}.
 */
public final class LoginThrottle {
  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
  static final String WAIT = "SELECT identity.login_wait($1, $2, $3, $4)";
  static final String FAILED = "SELECT identity.login_failed($1, $2, $3)";
  static final String SUCCEEDED = "SELECT identity.login_succeeded($1)";

  private final Pool pool;
  private final Clock clock;
  private final long windowMillis;
  private final int perEmail;
  private final int perAddress;

  public LoginThrottle(Pool pool, Clock clock, Duration window, int perEmail, int perAddress) {
    this.pool = pool;
    this.clock = clock;
    this.windowMillis = window.toMillis();
    this.perEmail = perEmail;
    this.perAddress = perAddress;
  }

  /**
   * How long to wait before another attempt is admitted, or empty when it may go ahead. Fails as unavailable (503) when
   * the database cannot be asked: a sign-in is then not let through uncounted.
   */
  public Future<Optional<Duration>> retryAfter(String email, String address) {
    Buffer[] keys = {emailKey(email), addressKey(address)};
    Integer[] limits = {perEmail, perAddress};
    return pool.preparedQuery(WAIT).execute(Tuple.of(keys, limits, now(), windowMillis))
        .<Optional<Duration>>map(rows -> {
          long millis = rows.iterator().next().getLong(0);
          return millis <= 0 ? Optional.empty() : Optional.of(Duration.ofMillis(millis));
        })
        .recover(e -> {
          LOG.warn("The sign-in throttle could not be read: {}", e.toString());
          return Future.failedFuture(KeywayException.of(ErrorCode.UNAVAILABLE,
              "sign-in is unavailable for a moment; retry shortly"));
        });
  }

  /** Records a failure of {@code email} from {@code address}; completes once it counts on every node. */
  public Future<Void> failed(String email, String address) {
    Buffer[] keys = {emailKey(email), addressKey(address)};
    return pool.preparedQuery(FAILED).execute(Tuple.of(keys, now(), windowMillis)).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("A failed sign-in could not be counted: {}", e.toString()));
  }

  /** A success clears the email's failures (not the address's: one good account proves nothing). */
  public Future<Void> succeeded(String email) {
    return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(emailKey(email))).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("A sign-in's earlier failures could not be cleared: {}", e.toString()));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  static Buffer emailKey(String email) {
    return digest("e:" + (email == null ? "" : email.toLowerCase(Locale.ROOT)));
  }

  static Buffer addressKey(String address) {
    return digest("a:" + (address == null ? "" : address));
  }

  private static Buffer digest(String key) {
    try {
      return Buffer.buffer(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
