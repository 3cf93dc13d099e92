package io.keyway.engine.venue;

import io.keyway.engine.account.Account;
import java.time.Clock;
import java.util.function.Function;

/** The venue an account trades at: its own simulated exchange for {@code sim}. */
public final class Venues implements Function<Account, Venue> {
  private final Clock clock;
  private final Function<Account, Venue> alpaca;

  /** {@code alpaca} builds the Alpaca venue for an account (paper or live by its kind). */
  public Venues(Clock clock, Function<Account, Venue> alpaca) {
    this.clock = clock;
    this.alpaca = alpaca;
  }

  @Override
  public Venue apply(Account a) {
    return switch (a.venue()) {
      case "sim" -> new SimVenue(a.id(), clock);
      case "alpaca" -> alpaca.apply(a);
      default -> throw new IllegalArgumentException("unknown venue " + a.venue());
    };
  }
}
