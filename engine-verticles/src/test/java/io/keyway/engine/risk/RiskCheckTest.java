package io.keyway.engine.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RiskCheckTest {
  private static final RiskLimits LIMITS = new RiskLimits(new BigDecimal("1000"), new BigDecimal("5000"), true,
      new BigDecimal("500"));

  private static RiskCheck.Outcome outcome(RiskLimits l, boolean halted, boolean live, boolean first, String notional,
      String today) {
    return RiskCheck.evaluate(l, halted, live, first, new BigDecimal(notional), new BigDecimal(today)).outcome();
  }

  @Test
  @DisplayName("halted, live-not-allowed, over the maximum and over the daily cap are refused")
  void refusals() {
    assertThat(outcome(LIMITS, true, false, false, "10", "0")).isEqualTo(RiskCheck.Outcome.REFUSED);
    RiskLimits paperOnly = new RiskLimits(LIMITS.maxOrderUsd(), LIMITS.dailyCapUsd(), false, LIMITS.approvalOverUsd());
    assertThat(outcome(paperOnly, false, true, false, "10", "0")).isEqualTo(RiskCheck.Outcome.REFUSED);
    assertThat(outcome(paperOnly, false, false, false, "10", "0")).isEqualTo(RiskCheck.Outcome.GO);
    assertThat(outcome(LIMITS, false, false, false, "1000.01", "0")).isEqualTo(RiskCheck.Outcome.REFUSED);
    assertThat(outcome(LIMITS, false, false, false, "1000", "0")).isEqualTo(RiskCheck.Outcome.GO);
    assertThat(outcome(LIMITS, false, false, false, "600", "4400.01")).isEqualTo(RiskCheck.Outcome.REFUSED);
    assertThat(outcome(LIMITS, false, false, false, "600", "4400")).isEqualTo(RiskCheck.Outcome.GO);
  }

  @Test
  @DisplayName("a live order above the threshold, and an account's first live order, need approval; paper never does")
  void approvals() {
    assertThat(outcome(LIMITS, false, true, false, "500.01", "0")).isEqualTo(RiskCheck.Outcome.NEEDS_APPROVAL);
    assertThat(outcome(LIMITS, false, true, false, "500", "0")).isEqualTo(RiskCheck.Outcome.GO);
    assertThat(outcome(LIMITS, false, true, true, "1", "0")).isEqualTo(RiskCheck.Outcome.NEEDS_APPROVAL);
    assertThat(outcome(LIMITS, false, false, true, "900", "0")).isEqualTo(RiskCheck.Outcome.GO);
  }
}
