package io.keyway.engine;

import io.keyway.engine.account.Account;
import io.keyway.engine.account.AccountStore;
import io.keyway.engine.order.OrderStore;
import io.keyway.engine.venue.Venue;
import io.keyway.ledger.LedgerQueries;
import io.keyway.vault.VaultClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/** What every account engine of a node shares. */
public record EngineContext(
    AccountStore accounts,
    OrderStore orders,
    ApprovalStore approvals,
    EngineLedger ledger,
    LedgerQueries balances,
    VaultClient vault,
    Function<Account, Venue> venues,
    Clock clock,
    Duration tick,
    Duration approvalTtl,
    int venueRequestsPerMinute) {}
