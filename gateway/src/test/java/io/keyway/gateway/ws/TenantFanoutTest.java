package io.keyway.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TenantFanoutTest {
  private final UUID a = UUID.randomUUID();
  private final UUID b = UUID.randomUUID();

  private static List<String> to(TenantFanout<String> f, Stream s, UUID acct) {
    List<String> out = new ArrayList<>();
    f.deliver(s, acct, out::add);
    return out;
  }

  @Test
  @DisplayName("an event reaches the subscribers of its account and stream, and the tenant-wide ones, each once")
  void delivers() {
    TenantFanout<String> f = new TenantFanout<>();
    f.add("owner", Stream.BALANCE, a);
    f.add("other", Stream.BALANCE, b);
    f.add("orders-only", Stream.ORDERS, a);
    f.add("admin", Stream.TENANT, null);
    f.add("admin", Stream.BALANCE, a);
    assertThat(to(f, Stream.BALANCE, a)).containsExactlyInAnyOrder("owner", "admin");
    assertThat(to(f, Stream.ORDERS, a)).containsExactlyInAnyOrder("orders-only", "admin");
    assertThat(to(f, Stream.BALANCE, b)).containsExactlyInAnyOrder("other", "admin");
    assertThat(f.subscribersOf(a)).containsExactlyInAnyOrder("owner", "orders-only", "admin");
  }

  @Test
  @DisplayName("removing every subscription stops delivery and leaves the fan-out empty")
  void removes() {
    TenantFanout<String> f = new TenantFanout<>();
    f.add("owner", Stream.BALANCE, a);
    f.add("admin", Stream.TENANT, null);
    f.remove("owner", Stream.BALANCE, a);
    assertThat(to(f, Stream.BALANCE, a)).containsExactly("admin");
    f.remove("admin", Stream.TENANT, null);
    assertThat(to(f, Stream.BALANCE, a)).isEmpty();
    assertThat(f.isEmpty()).isTrue();
  }

  @Test
  @DisplayName("a subscriber that leaves while an event is handed out does not keep the others from getting it")
  void leavingDuringDelivery() {
    TenantFanout<String> f = new TenantFanout<>();
    f.add("slow", Stream.ORDERS, a);
    f.add("fast", Stream.ORDERS, a);
    f.add("third", Stream.ORDERS, a);
    List<String> got = new ArrayList<>();
    f.deliver(Stream.ORDERS, a, s -> {
      got.add(s);
      if (s.equals("slow")) {
        f.remove("slow", Stream.ORDERS, a);
      }
    });
    assertThat(got).containsExactly("slow", "fast", "third");
    assertThat(to(f, Stream.ORDERS, a)).containsExactly("fast", "third");
  }
}
