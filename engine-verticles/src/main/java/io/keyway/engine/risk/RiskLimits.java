package io.keyway.engine.risk;

import java.math.BigDecimal;

/** An account's risk settings: every amount in USD, exact. */
public record RiskLimits(BigDecimal maxOrderUsd, BigDecimal dailyCapUsd, boolean allowLive, BigDecimal approvalOverUsd) {}
