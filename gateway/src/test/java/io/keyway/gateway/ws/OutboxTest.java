package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private static List<String> drain(Outbox o) {
    List<String> out = new ArrayList<>();
    for (String f = o.poll(); f != null; f = o.poll()) {
      out.add(f);
    }
    return out;
  }

  @Test
  @DisplayName("a newer balance for a waiting key replaces it in place; other keys and in-order frames keep their order")
  void conflates() {
    Outbox o = new Outbox(10);
    assertThat(o.offerLatest("a", "a1")).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.offerInOrder("order1")).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.offerLatest("b", "b1")).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.offerLatest("a", "a2")).isEqualTo(Outbox.Offer.CONFLATED);
    assertThat(o.offerLatest("a", "a3")).isEqualTo(Outbox.Offer.CONFLATED);
    assertThat(drain(o)).containsExactly("a3", "order1", "b1");
    assertThat(o.offerLatest("a", "a4")).as("a taken key is free again").isEqualTo(Outbox.Offer.QUEUED);
    assertThat(drain(o)).containsExactly("a4");
  }

  @Test
  @DisplayName("in-order frames are never dropped silently: beyond the capacity the offer overflows")
  void overflows() {
    Outbox o = new Outbox(2);
    assertThat(o.offerInOrder("1")).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.offerInOrder("2")).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.offerLatest("a", "balance")).as("balances do not count against it").isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.offerInOrder("3")).isEqualTo(Outbox.Offer.OVERFLOW);
    assertThat(o.poll()).isEqualTo("1");
    assertThat(o.offerInOrder("3")).isEqualTo(Outbox.Offer.QUEUED);
    assertThat(o.clear()).isEqualTo(3);
    assertThat(o.isEmpty()).isTrue();
  }
}
