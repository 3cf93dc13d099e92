package io.keyway.ledger;

import io.keyway.errors.KeywayException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Exact decimal amounts as they cross the API: strings in, strings out, never {@code double}. */
public final class Money {
  /** Most fractional digits an amount may carry (enough for crypto units). */
  public static final int MAX_SCALE = 8;
  private static final BigDecimal MAX = new BigDecimal("1000000000000000");
  private static final Pattern AMOUNT = Pattern.compile("^[0-9]{1,16}(\\.[0-9]{1,8})?$");
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z][A-Z0-9]{2,9}$");

  private Money() {}

  /** A positive amount written as a decimal string; a 400 naming {@code field} otherwise. */
  public static BigDecimal positiveAmount(String field, Object raw) {
    if (!(raw instanceof String s)) {
      throw KeywayException.badField(field, "must be a decimal string such as \"1250.50\"");
    }
    if (!AMOUNT.matcher(s).matches()) {
      throw KeywayException.badField(field, "must be a positive decimal string with at most " + MAX_SCALE + " decimals");
    }
    BigDecimal v = new BigDecimal(s);
    if (v.signum() <= 0 || v.compareTo(MAX) >= 0) {
      throw KeywayException.badField(field, "must be greater than 0 and less than 10^15");
    }
    return v;
  }

  public static String currency(String field, Object raw) {
    if (!(raw instanceof String s) || !CURRENCY.matcher(s).matches()) {
      throw KeywayException.badField(field, "must be a currency code such as USD");
    }
    return s;
  }

  /**
   * The wire form: plain digits, at least two decimals and at most {@link #MAX_SCALE}
   * ({@code "1250.50"}, {@code "0.00012"}); ledger amounts never carry more, derived values
   * (a position's market value) are rounded half-even.
   */
  public static String format(BigDecimal v) {
    BigDecimal stripped = v.setScale(Math.min(MAX_SCALE, Math.max(v.scale(), 0)), java.math.RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
    return stripped.setScale(Math.max(2, stripped.scale())).toPlainString();
  }
}
