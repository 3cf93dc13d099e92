package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IntakeFanoutTest {
  private static final UUID A = UUID.randomUUID();
  private static final UUID B = UUID.randomUUID();

  private static JsonObject event(UUID account, long seq) {
    return new JsonObject().put("accountId", account.toString()).put("seq", seq);
  }

  private static List<String> drain(Intake<String> intake) {
    List<String> out = new ArrayList<>();
    intake.drain((tenant, e) -> out.add(tenant + ":" + e.stream().wire() + ":" + e.accountId().equals(A) + ":"
        + e.seq() + ":" + e.event().getLong("seq")));
    return out;
  }

  @Test
  @DisplayName("a hub that keeps up passes every event, in arrival order")
  void keepsEverythingWhenNotBehind() {
    Intake<String> intake = new Intake<>(10);
    for (long seq = 1; seq <= 5; seq++) {
      assertThat(intake.offer("t1", Stream.BALANCE, A, seq, event(A, seq))).isTrue();
    }
    assertThat(drain(intake)).containsExactly("t1:balance:true:1:1", "t1:balance:true:2:2", "t1:balance:true:3:3",
        "t1:balance:true:4:4", "t1:balance:true:5:5");
    assertThat(intake.takeConflated()).isZero();
    assertThat(intake.isEmpty()).isTrue();
  }

  @Test
  @DisplayName("once behind, a newer balance replaces the waiting one of its account in place; order events are never merged")
  void conflatesBalancesWhenBehind() {
    Intake<String> intake = new Intake<>(2);
    intake.offer("t1", Stream.BALANCE, A, 1, event(A, 1));
    intake.offer("t1", Stream.ORDERS, A, 1, event(A, 1));
    intake.offer("t2", Stream.BALANCE, B, 1, event(B, 1)); // behind from here on
    assertThat(intake.offer("t1", Stream.BALANCE, A, 3, event(A, 3))).isFalse();
    assertThat(intake.offer("t1", Stream.BALANCE, A, 2, event(A, 2))).as("an older one never wins").isFalse();
    assertThat(intake.offer("t1", Stream.ORDERS, A, 2, event(A, 2))).isTrue();
    assertThat(intake.offer("t1", Stream.ORDERS, A, 3, event(A, 3))).isTrue();
    assertThat(drain(intake)).containsExactly("t1:balance:true:3:3", "t1:orders:true:1:1", "t2:balance:false:1:1",
        "t1:orders:true:2:2", "t1:orders:true:3:3");
    assertThat(intake.takeConflated()).isEqualTo(2);
    assertThat(intake.offer("t1", Stream.BALANCE, A, 4, event(A, 4))).as("a drain resets the backlog").isTrue();
    assertThat(intake.offer("t1", Stream.BALANCE, A, 5, event(A, 5))).isTrue();
  }
}
