package io.keyway.engine.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static List<UUID> accounts(int n) {
    Random r = new Random(7);
    List<UUID> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new UUID(r.nextLong(), r.nextLong()));
    }
    return out;
  }

  private static Map<UUID, String> place(List<UUID> accounts, List<String> nodes) {
    Map<UUID, String> out = new HashMap<>();
    accounts.forEach(a -> out.put(a, Placement.owner(a, nodes).orElseThrow()));
    return out;
  }

  @Test
  @DisplayName("3,000 accounts spread over three nodes within 10% of a third each, and every node agrees")
  void even() {
    List<UUID> accounts = accounts(3_000);
    Map<UUID, String> a = place(accounts, List.of("n1", "n2", "n3"));
    Map<UUID, String> b = place(accounts, List.of("n3", "n1", "n2")); // another node's member order
    assertThat(a).isEqualTo(b);
    Map<String, Integer> counts = new HashMap<>();
    a.values().forEach(n -> counts.merge(n, 1, Integer::sum));
    assertThat(counts).hasSize(3);
    counts.values().forEach(c -> assertThat(c).isBetween(900, 1_100));
  }

  @Test
  @DisplayName("a joining node takes about a quarter of the accounts, all from others; a leaving node's accounts alone move")
  void minimalMovement() {
    List<UUID> accounts = accounts(4_000);
    Map<UUID, String> three = place(accounts, List.of("n1", "n2", "n3"));
    Map<UUID, String> four = place(accounts, List.of("n1", "n2", "n3", "n4"));
    int moved = 0;
    for (UUID a : accounts) {
      if (!three.get(a).equals(four.get(a))) {
        moved++;
        assertThat(four.get(a)).isEqualTo("n4");
      }
    }
    assertThat(moved).isBetween(850, 1_150);

    Map<UUID, String> two = place(accounts, List.of("n1", "n3"));
    for (UUID a : accounts) {
      if (!three.get(a).equals("n2")) {
        assertThat(two.get(a)).isEqualTo(three.get(a));
      }
    }
  }

  @Test
  @DisplayName("no live node, no owner")
  void none() {
    assertThat(Placement.owner(UUID.randomUUID(), List.of())).isEmpty();
  }
}
