package io.keyway.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The node's ledger as {@link LedgerVerticle#deploy} runs it: one writer per ledger loop, each chain held by one. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerLoopsTest {
  private static final int PER_CHAIN = 60;

  @Test
  @DisplayName("new chains are spread over the ledger loops in turn, each keeps its loop, and a chain's address never changes")
  void chainsSpreadOverLoops() {
    List<UUID> tenants = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
    Set<String> addresses = new HashSet<>();
    for (UUID t : tenants) {
      String address = LedgerAddresses.append(t);
      assertThat(address).startsWith(LedgerAddresses.APPEND + ".");
      addresses.add(address);
    }
    assertThat(addresses).hasSize(Math.min(tenants.size(), LedgerAddresses.LOOPS));
    for (UUID t : tenants) {
      assertThat(addresses).contains(LedgerAddresses.append(t));
    }
    assertThat(tenants.stream().map(LedgerAddresses::append).toList())
        .isEqualTo(tenants.stream().map(LedgerAddresses::append).toList());
  }

  @Test
  @DisplayName("two callers answered with the same entry (a key repeated in one batch) each get a payload of their own")
  void answersHaveTheirOwnPayload(Vertx vertx) {
    LedgerFixture ledger = LedgerFixture.deployLoops(vertx);
    try {
      UUID tenant = UUID.randomUUID();
      UUID user = UUID.randomUUID();
      AppendRequest deposit = new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new BigDecimal("12.50"), "USD", "own")
          .toAppend(tenant, "admin", "key-own", "ab12");
      List<LedgerFixture.Answer> answers = ledger.appendAll(List.of(deposit, deposit, deposit));
      List<AppendResult> results = answers.stream().map(LedgerFixture.Answer::result).toList();
      assertThat(results).allSatisfy(r -> assertThat(r.seq()).isEqualTo(1));
      assertThat(results.stream().filter(AppendResult::replayed)).hasSize(2);
      JsonObject recorded = results.get(1).payload().copy();
      results.get(0).payload().put("changedByTheFirstCaller", true);
      assertThat(results.get(1).payload()).isNotSameAs(results.get(0).payload()).isEqualTo(recorded);
      assertThat(results.get(2).payload()).isNotSameAs(results.get(0).payload()).isEqualTo(recorded);
      assertThat(deposit.payload().containsKey("balancesAfter")).as("the request's payload is the caller's").isFalse();
    } finally {
      ledger.close();
    }
  }

  @Test
  @DisplayName("four chains appended at once through the loops: each exactly 1..60, verified, isolated, and all four signed when the ledger stops")
  void fourChainsOnTheLoops(Vertx vertx) throws Exception {
    LedgerFixture ledger = LedgerFixture.deployLoops(vertx);
    boolean closed = false;
    try {
      List<UUID> tenants = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
      List<UUID> users = tenants.stream().map(t -> UUID.randomUUID()).toList();
      List<AppendRequest> requests = new ArrayList<>();
      for (int i = 1; i <= PER_CHAIN; i++) {
        for (int c = 0; c < tenants.size(); c++) {
          UUID tenant = tenants.get(c);
          UUID user = users.get(c);
          requests.add(i % 2 == 0
              ? new CapitalFlow(CapitalFlow.Type.DEPOSIT, user, null, new BigDecimal(i + ".50"), "USD", "loop-" + c + "-" + i)
                  .toAppend(tenant, "admin", null, null)
              : AppendRequest.record(tenant, "auth.login", "user:" + user, "user:" + user, user,
                  new JsonObject().put("note", "loop-" + c + "-" + i)));
        }
      }
      for (LedgerFixture.Answer a : ledger.appendAll(requests)) {
        assertThat(a.failure()).as("append to " + a.request().tenantId()).isNull();
        assertThat(a.result().replayed()).isFalse();
      }
      for (int c = 0; c < tenants.size(); c++) {
        UUID tenant = tenants.get(c);
        assertThat(ledger.query("SELECT seq FROM ledger.entries WHERE tenant_id = ? ORDER BY seq", tenant).stream()
            .map(r -> ((Number) r[0]).longValue()).toList())
            .as("chain %d", c).isEqualTo(java.util.stream.LongStream.rangeClosed(1, PER_CHAIN).boxed().toList());
        // the entries of this chain name this tenant and this chain's user only
        assertThat(ledger.count("SELECT count(*) FROM ledger.entries WHERE tenant_id = ? AND user_id <> ?", tenant,
            users.get(c))).isZero();
        assertThat(ledger.verify(tenant).ok()).as("chain %d verifies", c).isTrue();
      }
      ledger.close();
      closed = true;
      // each loop signs the chains it moved when it stops: every chain, whichever loop held it
      for (UUID tenant : tenants) {
        assertThat(ledger.count("SELECT coalesce(max(seq), 0) FROM ledger.checkpoints WHERE tenant_id = ?", tenant))
            .as("signed on stop").isEqualTo(PER_CHAIN);
      }
    } finally {
      if (!closed) {
        ledger.close();
      }
    }
  }
}
