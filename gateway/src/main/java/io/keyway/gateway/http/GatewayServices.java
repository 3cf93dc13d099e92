package io.keyway.gateway.http;

import io.keyway.config.KeywayConfig;
import io.keyway.gateway.identity.ApiTokens;
import io.keyway.gateway.identity.AuthService;
import io.keyway.gateway.identity.Authenticator;
import io.keyway.gateway.identity.UserAdmin;
import io.keyway.engine.ApprovalStore;
import io.keyway.engine.EngineClient;
import io.keyway.engine.account.AccountStore;
import io.keyway.engine.order.OrderStore;
import io.keyway.gateway.identity.AuditTrail;
import io.keyway.ledger.Checkpoints;
import io.keyway.ledger.LedgerClient;
import io.keyway.ledger.LedgerQueries;
import io.keyway.ledger.LedgerVerifier;
import io.keyway.vault.CredentialStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.sqlclient.Pool;

/** What the HTTP verticle instances of one node share; built once by the node. */
public record GatewayServices(
    KeywayConfig config,
    Pool pool,
    PrometheusMeterRegistry registry,
    Authenticator authenticator,
    AuthService auth,
    UserAdmin users,
    ApiTokens apiTokens,
    LedgerClient ledger,
    LedgerQueries ledgerQueries,
    Checkpoints checkpoints,
    LedgerVerifier ledgerVerifier,
    AuditTrail audit,
    CredentialStore vault,
    AccountStore accounts,
    OrderStore orders,
    ApprovalStore approvals,
    EngineClient engines,
    java.util.function.Function<Boolean, io.keyway.engine.venue.AlpacaVenue> alpaca,
    io.keyway.gateway.mcp.McpRateLimit mcpRateLimit,
    io.keyway.gateway.publicapi.PublicTrackRecord publicTrackRecord) {}
