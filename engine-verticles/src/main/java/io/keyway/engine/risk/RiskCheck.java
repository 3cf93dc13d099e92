package io.keyway.engine.risk;

import java.math.BigDecimal;

/**
 * The rules an order intent passes before it may reach a venue, in order: the account must be
 * active; a live account must allow live trading; the order must fit under the per-order maximum
 * and, with what was already traded today, under the daily cap. A live order above the approval
 * threshold, and an account's first live order, then wait for a person.
 */
public final class RiskCheck {
  private RiskCheck() {}

  /** The verdict: go, wait for approval, or refuse (with a reason a person or an agent can act on). */
  public record Verdict(Outcome outcome, String reason) {
    public static Verdict go() {
      return new Verdict(Outcome.GO, null);
    }
  }

  /** What happens to the intent. */
  public enum Outcome { GO, NEEDS_APPROVAL, REFUSED }

  public static Verdict evaluate(RiskLimits limits, boolean halted, boolean live, boolean firstLiveOrder,
      BigDecimal notionalUsd, BigDecimal tradedTodayUsd) {
    if (halted) {
      return new Verdict(Outcome.REFUSED, "the account is halted");
    }
    if (live && !limits.allowLive()) {
      return new Verdict(Outcome.REFUSED, "live trading is not allowed on this account");
    }
    if (notionalUsd.compareTo(limits.maxOrderUsd()) > 0) {
      return new Verdict(Outcome.REFUSED, "the order's " + notionalUsd.toPlainString() + " USD is above the "
          + limits.maxOrderUsd().toPlainString() + " USD maximum per order");
    }
    if (tradedTodayUsd.add(notionalUsd).compareTo(limits.dailyCapUsd()) > 0) {
      return new Verdict(Outcome.REFUSED, "the order would take today's trading to "
          + tradedTodayUsd.add(notionalUsd).toPlainString() + " USD, above the " + limits.dailyCapUsd().toPlainString()
          + " USD daily cap");
    }
    if (live && firstLiveOrder) {
      return new Verdict(Outcome.NEEDS_APPROVAL, "the account's first live order needs approval");
    }
    if (live && notionalUsd.compareTo(limits.approvalOverUsd()) > 0) {
      return new Verdict(Outcome.NEEDS_APPROVAL, "live orders above " + limits.approvalOverUsd().toPlainString()
          + " USD need approval");
    }
    return Verdict.go();
  }
}
