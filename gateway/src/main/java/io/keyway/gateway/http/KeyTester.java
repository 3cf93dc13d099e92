package io.keyway.gateway.http;

import io.keyway.engine.venue.AlpacaVenue;
import io.keyway.engine.venue.VenueCredential;
import io.keyway.engine.venue.VenueException;
import io.keyway.ledger.Money;
import io.keyway.vault.ResolvedCredential;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Asks a venue whether a key works ({@code POST /api/account/keys/{id}/test}): Alpaca's account
 * endpoint, at the paper API for paper keys ({@code PK…}) and the live API otherwise. The answer
 * says what was found, never the key.
 */
final class KeyTester {
  private final Function<Boolean, AlpacaVenue> alpaca;

  /** {@code alpaca} gives the Alpaca venue for live (true) or paper (false). */
  KeyTester(Function<Boolean, AlpacaVenue> alpaca) {
    this.alpaca = alpaca;
  }

  Future<JsonObject> test(String provider, ResolvedCredential key) {
    if (!"alpaca".equals(provider)) {
      key.close();
      return Future.succeededFuture(answer(false, "testing " + provider + " keys is not supported yet; the key is stored"));
    }
    boolean live = !key.keyId().use(b -> b.length >= 2 && b[0] == 'P' && b[1] == 'K');
    VenueCredential credential = new VenueCredential(key.keyId(), key.secret());
    return alpaca.apply(live).account(credential)
        .map(state -> answer(true, "Alpaca " + (live ? "live" : "paper") + " accepted the key: cash "
            + Money.format(state.cash()) + ", equity " + Money.format(state.equity())))
        .recover(e -> Future.succeededFuture(answer(false, e instanceof VenueException v
            ? "Alpaca " + (live ? "live" : "paper") + " answered " + v.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (v.kind() == VenueException.Kind.AUTH ? ": the key is wrong or lacks permission" : "")
            : "Alpaca could not be reached")))
        .andThen(x -> credential.close());
  }

  private static JsonObject answer(boolean ok, String detail) {
    return new JsonObject().put("ok", ok).put("detail", detail);
  }
}
