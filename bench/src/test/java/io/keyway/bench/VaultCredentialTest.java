package io.keyway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.vault.Providers;
import io.keyway.vault.Secret;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VaultCredentialTest {

  @Test
  @DisplayName("1,000 credentials over 100 users in 10 tenants: 10 users per tenant, 10 labels per user, no two alike")
  void spreadsEvenly() {
    List<VaultCredential> plan = VaultCredential.plan(1_000, 10, 100, new SecureRandom());

    assertThat(plan).hasSize(1_000);
    Map<UUID, Set<UUID>> usersByTenant = plan.stream().collect(Collectors.groupingBy(VaultCredential::tenantId,
        Collectors.mapping(VaultCredential::userId, Collectors.toSet())));
    assertThat(usersByTenant).hasSize(10).allSatisfy((tenant, users) -> assertThat(users).hasSize(10));
    Map<UUID, Long> perUser = plan.stream().collect(Collectors.groupingBy(VaultCredential::userId,
        Collectors.counting()));
    assertThat(perUser).hasSize(100).allSatisfy((user, count) -> assertThat(count).isEqualTo(10));
    assertThat(plan.stream().map(c -> c.tenantId() + "/" + c.userId() + "/" + c.label()).distinct()).hasSize(1_000);
    assertThat(plan.stream().map(VaultCredential::secret).distinct()).hasSize(1_000);
  }

  @Test
  @DisplayName("every planned credential is one the gateway's API would accept")
  void shapesTheApiAccepts() {
    for (VaultCredential c : VaultCredential.plan(20, 2, 4, new SecureRandom())) {
      assertThat(Providers.provider("provider", VaultCredential.PROVIDER)).isEqualTo("alpaca");
      assertThat(Providers.label("label", c.label())).isEqualTo(c.label());
      assertThat(Providers.keyId("keyId", c.keyId())).isEqualTo(c.keyId());
      assertThat(Providers.secret("secret", c.secret())).isEqualTo(c.secret());
    }
  }

  @Test
  @DisplayName("credentials that cannot be spread evenly are refused")
  void unevenSpreadsAreRefused() {
    assertThatThrownBy(() -> VaultCredential.plan(1_000, 3, 100, new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VaultCredential.plan(1_001, 10, 100, new SecureRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("a credential recognises its own plaintext only, and never prints it")
  void recognisesItsPlaintext() {
    VaultCredential c = VaultCredential.plan(1, 1, 1, new SecureRandom()).get(0);

    assertThat(c.isPlaintextOf(Secret.of(c.keyId()), Secret.of(c.secret()))).isTrue();
    assertThat(c.isPlaintextOf(Secret.of(c.keyId()), Secret.of(c.secret() + "x"))).isFalse();
    assertThat(c.isPlaintextOf(Secret.of(c.secret()), Secret.of(c.keyId()))).isFalse();
    assertThat(c.toString()).doesNotContain(c.keyId()).doesNotContain(c.secret());
  }
}
