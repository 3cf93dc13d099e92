package io.keyway.engine;

import java.util.UUID;

/**
 * Where engines publish what dashboards watch: one address per tenant (fan-out is per tenant, not
 * per connection). Bodies: {@code {type: "balance"|"order", accountId, seq, …}}.
 */
public final class StreamAddresses {
  private StreamAddresses() {}

  public static String tenant(UUID tenantId) {
    return "stream.tenant." + tenantId;
  }
}
