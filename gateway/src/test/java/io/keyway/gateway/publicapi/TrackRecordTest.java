package io.keyway.gateway.publicapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.gateway.publicapi.PublicRecords.EquityPoint;
import io.keyway.gateway.publicapi.PublicRecords.Holding;
import io.keyway.gateway.publicapi.PublicRecords.Trade;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrackRecordTest {
  private static List<EquityPoint> curve(String... equities) {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    return java.util.stream.IntStream.range(0, equities.length)
        .mapToObj(i -> new EquityPoint(t.plusSeconds(i), new BigDecimal(equities[i]))).toList();
  }

  @Test
  @DisplayName("equity is the newest point; drawdown is the deepest fall from a running peak, not the last one")
  void equityAndDrawdown() {
    var record = new TrackRecord(UUID.randomUUID(), "s", curve("100", "120", "90", "110", "130", "117"), List.of(), List.of());
    assertThat(record.equity()).isEqualByComparingTo("117");
    assertThat(record.maxDrawdown()).isEqualByComparingTo("0.25");
    assertThat(new TrackRecord(UUID.randomUUID(), "s", List.of(), List.of(), List.of()).toSummaryJson().encode())
        .contains("\"equity\":\"0.00\"").contains("\"drawdown\":\"0\"");
  }

  @Test
  @DisplayName("sleeves are holdings' shares of equity at cost; trades and curve carry only their public fields")
  void detail() {
    var record = new TrackRecord(UUID.randomUUID(), "s", curve("1000"),
        List.of(new Holding("AAPL", new BigDecimal("2"), new BigDecimal("100"))),
        List.of(new Trade(Instant.parse("2026-01-01T00:00:00Z"), "AAPL", "buy", new BigDecimal("2.000"), new BigDecimal("100"))));
    var json = record.toJson();
    assertThat(json.getJsonArray("sleeves").getJsonObject(0).encode()).isEqualTo("{\"symbol\":\"AAPL\",\"weight\":\"0.2000\"}");
    assertThat(json.getJsonArray("trades").getJsonObject(0).fieldNames()).containsExactly("t", "symbol", "side", "qty", "price");
    assertThat(json.getJsonArray("trades").getJsonObject(0).getString("qty")).isEqualTo("2");
  }
}
