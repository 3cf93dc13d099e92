package io.keyway.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpaqueTokenTest {
  @Test
  @DisplayName("a minted token parses back to its kind and tenant, and only as its own kind")
  void roundTrip() {
    UUID tenant = UUID.randomUUID();
    String t = OpaqueToken.mint(OpaqueToken.API, tenant);
    var parsed = OpaqueToken.parse(t, OpaqueToken.API);
    assertThat(parsed).isPresent();
    assertThat(parsed.get().tenantId()).isEqualTo(tenant);
    assertThat(parsed.get().hash()).isEqualTo(OpaqueToken.sha256(t));
    assertThat(OpaqueToken.parse(t, OpaqueToken.REFRESH)).isEmpty();
    assertThat(OpaqueToken.mint(OpaqueToken.API, tenant)).isNotEqualTo(t);
  }

  @Test
  @DisplayName("anything not shaped like a token is refused without an exception")
  void garbage() {
    for (String s : new String[] {null, "", "kwt_", "kwt_a_b", "kwt_" + "!".repeat(22) + "_" + "A".repeat(43),
        "kwt_" + "A".repeat(22) + "_" + "A".repeat(42) + "!"}) {
      assertThat(OpaqueToken.parse(s, OpaqueToken.API)).isEmpty();
    }
  }
}
