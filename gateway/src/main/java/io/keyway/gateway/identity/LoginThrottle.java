package io.keyway.gateway.identity;

import io.keyway.config.SecretBytes;
import io.keyway.errors.ErrorCode;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed logins per email (or, for password changes, per user) and per client address over a sliding window,
 * over every node on the database ({@code identity.login_failures}, migration identity V4). An attempt is admitted
 * under a lock on its keys and recorded as pending before its password is checked; a subject's pending attempts of
 * the last minute count against it like failures, so guesses sent at once to any nodes are admitted up to the limit
 * and no further. A wrong password makes the attempt a decided failure; a success, or an end without a verdict, takes
 * it back, and a success also clears the subject's decided failures. A key at its limit is refused until enough
 * failures leave the window, and the refusal says how long that is. The table holds HMACs of the keys under a key
 * derived from the master key, never an email or an address; the times come from this node's {@code clock}.
 */
public final class LoginThrottle {
  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
  static final String ADMIT = "SELECT identity.login_admit($1, $2, $3, $4, $5, $6)";
  static final String FAILED = "SELECT identity.login_failed($1)";
  static final String SETTLE = "SELECT identity.login_settle($1, $2)";
  private static final String KEY_LABEL = "keyway/identity/login-throttle-keys/v1";

  private final Pool pool;
  private final Clock clock;
  private final SecretKeySpec keyKey;
  private final long windowMillis;
  private final int perEmail;
  private final int perAddress;

  public LoginThrottle(Pool pool, Clock clock, SecretBytes masterKey, Duration window, int perEmail, int perAddress) {
    this.pool = pool;
    this.clock = clock;
    this.keyKey = new SecretKeySpec(keyKey(masterKey), "HmacSHA256");
    this.windowMillis = window.toMillis();
    this.perEmail = perEmail;
    this.perAddress = perAddress;
  }

  /**
   * Admits a sign-in attempt of {@code email} from {@code address}, recorded as pending until it is {@link #failed},
   * {@link #succeededEmail succeeded} or {@link #undecided}; its id comes back. Fails with {@code rate_limited} (429,
   * with how long to wait, and {@code refusal} as its message) when a key is at its limit, and as unavailable (503)
   * when the database cannot be asked: an attempt is never let through uncounted.
   */
  public Future<UUID> admitEmail(String email, String address, String refusal) {
    return admit(emailKey(email), address, refusal);
  }

  /** The same for a password change of {@code userId}: its own key, which no sign-in's email can name. */
  public Future<UUID> admitUser(UUID userId, String address, String refusal) {
    return admit(userKey(userId), address, refusal);
  }

  private Future<UUID> admit(Buffer subject, String address, String refusal) {
    UUID attempt = UUID.randomUUID();
    Buffer[] keys = {subject, addressKey(address)};
    Integer[] limits = {perEmail, perAddress};
    // a subject's attempts in progress count against it; an address's do not (sign-ins behind one NAT)
    Boolean[] pendingCounts = {true, false};
    Future<Long> answered = pool.preparedQuery(ADMIT)
        .execute(Tuple.of(keys, limits, pendingCounts, now(), windowMillis, attempt))
        .map(rows -> rows.iterator().next().getLong(0));
    return answered
        .recover(e -> {
          LOG.warn("The sign-in throttle could not be asked: {}", e.toString());
          // the attempt may have been recorded with its answer lost: take it back, if it is there
          return undecided(attempt).transform(x -> Future.failedFuture(KeywayException.of(ErrorCode.UNAVAILABLE,
              "sign-in is unavailable for a moment; retry shortly")));
        })
        .compose(waitMillis -> waitMillis <= 0 ? Future.succeededFuture(attempt)
            : Future.failedFuture(KeywayException.rateLimited(refusal, Duration.ofMillis(waitMillis))));
  }

  /**
   * The attempt's password was wrong: it becomes a decided failure of its subject and its address. If this cannot be
   * written the attempt still counts against its subject, as a pending one, for the minute that pending rows count.
   */
  public Future<Void> failed(UUID attempt) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(attempt)).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("A failed attempt could not be marked; it counts against its subject only, for a minute: {}",
            e.toString()));
  }

  /** The sign-in succeeded: it was no failure, and the email's decided failures are cleared (not the address's). */
  public Future<Void> succeededEmail(String email, UUID attempt) {
    return settle(emailKey(email), attempt);
  }

  /** The password change succeeded: the same for the user's key. */
  public Future<Void> succeededUser(UUID userId, UUID attempt) {
    return settle(userKey(userId), attempt);
  }

  /** The attempt ended without a verdict on its password (the database or the hashing pool failed): not a failure. */
  public Future<Void> undecided(UUID attempt) {
    return settle(null, attempt);
  }

  private Future<Void> settle(Buffer key, UUID attempt) {
    return pool.preparedQuery(SETTLE).execute(Tuple.of(key, attempt)).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("A sign-in attempt could not be settled; it counts as pending for a minute: {}",
            e.toString()));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  Buffer emailKey(String email) {
    return Buffer.buffer(digest(keyKey, "e:" + (email == null ? "" : email.toLowerCase(Locale.ROOT))));
  }

  Buffer userKey(UUID userId) {
    return Buffer.buffer(digest(keyKey, "u:" + userId));
  }

  Buffer addressKey(String address) {
    return Buffer.buffer(digest(keyKey, "a:" + (address == null ? "" : address)));
  }

  /** A stored key: the HMAC-SHA256 of {@code key} under {@code keyKey}. */
  static byte[] digest(SecretKeySpec keyKey, String key) {
    return mac(keyKey).doFinal(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The key the stored keys are made with: one derived from the master key for this use alone. */
  static byte[] keyKey(SecretBytes masterKey) {
    return masterKey.derive(KEY_LABEL);
  }

  private static Mac mac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256"); // one a call: a Mac is not thread-safe
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
