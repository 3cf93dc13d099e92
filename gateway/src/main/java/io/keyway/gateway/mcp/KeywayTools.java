package io.keyway.gateway.mcp;

import static io.keyway.gateway.mcp.Schemas.bool;
import static io.keyway.gateway.mcp.Schemas.decimal;
import static io.keyway.gateway.mcp.Schemas.id;
import static io.keyway.gateway.mcp.Schemas.integer;
import static io.keyway.gateway.mcp.Schemas.listOutput;
import static io.keyway.gateway.mcp.Schemas.object;
import static io.keyway.gateway.mcp.Schemas.oneOf;
import static io.keyway.gateway.mcp.Schemas.output;
import static io.keyway.gateway.mcp.Schemas.required;
import static io.keyway.gateway.mcp.Schemas.string;

import io.keyway.gateway.http.GatewayServices;
import io.keyway.gateway.http.LedgerActions;
import io.keyway.gateway.http.TradingActions;
import io.keyway.gateway.identity.Role;
import io.keyway.vault.CredentialView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * The tools of API.md, in their fixed order. Each calls the service method its REST twin calls,
 * so it has the same rules, the same isolation (another owner's or tenant's account is "not
 * found") and the same audit (orders, mode changes, kills and decisions are recorded by the
 * engine with the caller as actor and {@code agent} as source for API tokens).
 */
final class KeywayTools {
  private static final String ACCOUNT_ID = "accountId";

  private KeywayTools() {}

  static List<McpTool> all(Vertx vertx, GatewayServices s, TradingActions trading, LedgerActions ledger) {
    JsonObject noArguments = object(required());
    JsonObject oneAccount = object(required(ACCOUNT_ID), ACCOUNT_ID, id("the trading account"));
    return List.of(
        new McpTool("whoami", "Who am I", "The caller: user id, email, display name, role and tenant.",
            noArguments, output("id", "email", "role", "tenant"), Role.VIEWER, false,
            (p, a) -> s.authenticator().user(p.tenantId(), p.userId()).map(u -> u.toMeJson())),
        new McpTool("list_accounts", "List trading accounts",
            "The trading accounts the caller may see (all of the tenant's for admins, else their own).",
            noArguments, listOutput("accounts"), Role.VIEWER, false,
            (p, a) -> trading.listAccounts(p).map(list -> new JsonObject().put("accounts", list))),
        new McpTool("get_balance", "Get an account's balance",
            "Cash, positions value, equity and allocation of one trading account, money as decimal strings.",
            oneAccount, output(ACCOUNT_ID, "cash", "equity"), Role.VIEWER, false,
            (p, a) -> trading.snapshot(p, a.id(ACCOUNT_ID)).map(snap -> {
              snap.remove("positions");
              return snap;
            })),
        new McpTool("list_positions", "List an account's positions", "Symbol, quantity, average price and market value.",
            oneAccount, listOutput("positions"), Role.VIEWER, false,
            (p, a) -> trading.snapshot(p, a.id(ACCOUNT_ID))
                .map(snap -> new JsonObject().put("positions", snap.getJsonArray("positions", new JsonArray())))),
        new McpTool("list_orders", "List an account's orders", "Orders newest first, a page at a time (pass nextCursor back as cursor).",
            object(required(ACCOUNT_ID), ACCOUNT_ID, id("the trading account"),
                "status", oneOf("only orders in this status", "awaiting_approval", "pending", "accepted",
                    "partially_filled", "filled", "canceled", "rejected", "expired"),
                "from", string("ISO-8601 UTC time, inclusive"), "to", string("ISO-8601 UTC time, exclusive"),
                "limit", integer("page size", 1, 500), "cursor", string("nextCursor of the previous page")),
            output("items"), Role.VIEWER, false,
            (p, a) -> trading.listOrders(p, a.id(ACCOUNT_ID), a.string("status").orElse(null),
                a.instant("from").orElse(null), a.instant("to").orElse(null), a.string("cursor").orElse(null),
                a.integer("limit", 100))),
        new McpTool("place_order", "Place an order",
            "Places an order on a trading account within its risk rules. A live order needs confirmLive: true. "
                + "A refusal (insufficient funds, halted account, over a limit) or an order that waits for a "
                + "person's approval comes back with isError and the reason.",
            object(required(ACCOUNT_ID, "symbol", "side"), ACCOUNT_ID, id("the trading account"),
                "symbol", string("e.g. AAPL or BTC/USD"), "side", oneOf("buy or sell", "buy", "sell"),
                "qty", decimal("quantity"), "notional", decimal("amount in USD, with a limit price"),
                "type", oneOf("market (default) or limit", "market", "limit"), "limitPrice", decimal("limit price"),
                "clientOrderId", string("your id for the order, 1-48 of letters, digits and . _ : -"),
                "confirmLive", bool("must be true for an order on a live account"),
                "idempotencyKey", string("the same key again answers the same order instead of a second one")),
            output("id", "status"), Role.OPERATOR, true,
            (p, a) -> trading.placeOrder(p, a.id(ACCOUNT_ID), a.without(ACCOUNT_ID, "idempotencyKey"),
                a.string("idempotencyKey").orElse(null)).compose(KeywayTools::refuseUnlessPlaced)),
        new McpTool("set_account_mode", "Set an account active or halted", "Halting stops its strategy; active resumes it.",
            object(required(ACCOUNT_ID, "status"), ACCOUNT_ID, id("the trading account"),
                "status", oneOf("the new mode", "active", "halted"), "reason", string("why, 1-500 characters")),
            output("id", "status"), Role.OPERATOR, false,
            (p, a) -> trading.setMode(p, a.id(ACCOUNT_ID), a.string("status").orElseThrow(), a.string("reason").orElse(null))),
        new McpTool("kill_account", "Kill switch", "Halts the account at once and cancels its open orders.",
            object(required(ACCOUNT_ID, "reason"), ACCOUNT_ID, id("the trading account"), "reason", string("why, 1-500 characters")),
            output("id", "status"), Role.OPERATOR, true,
            (p, a) -> trading.kill(p, a.id(ACCOUNT_ID), a.string("reason").orElseThrow())),
        new McpTool("list_keys", "List my venue keys", "The caller's linked venue keys, masked; never a key or a secret.",
            noArguments, listOutput("keys"), Role.VIEWER, false,
            (p, a) -> s.vault().list(p.tenantId(), p.userId())
                .map(list -> new JsonObject().put("keys", new JsonArray(list.stream().map(CredentialView::toJson).toList())))),
        new McpTool("list_approvals", "List approvals", "Orders waiting for (or past) a person's decision, each with its order.",
            object(required(), "status", oneOf("only approvals in this status", "pending", "approved", "rejected", "expired")),
            listOutput("approvals"), Role.VIEWER, false,
            (p, a) -> trading.listApprovals(p, a.string("status").orElse(null))
                .map(list -> new JsonObject().put("approvals", list))),
        new McpTool("decide_approval", "Approve or reject an order", "Approving executes the waiting order; rejecting needs a reason.",
            object(required("approvalId", "decision"), "approvalId", id("the approval"),
                "decision", oneOf("approve or reject", "approve", "reject"), "reason", string("why, 1-500 characters")),
            output("id", "status"), Role.OPERATOR, false,
            (p, a) -> trading.decide(p, a.id("approvalId"), "approve".equals(a.string("decision").orElseThrow()),
                a.string("reason").orElse(null))),
        new McpTool("get_user_balance", "Get a person's balance",
            "Cash, allocations per account and total of the caller (or, for admins, of any user of the tenant).",
            object(required(), "userId", id("the user; the caller when absent"), "currency", string("ISO currency, default USD")),
            output("userId", "currency", "cash", "accounts", "total"), Role.VIEWER, false,
            (p, a) -> ledger.userBalance(p, a.optionalId("userId").orElse(p.userId()), a.string("currency").orElse(null))),
        new McpTool("verify_ledger", "Verify the ledger",
            "Re-checks the tenant's hash chain against its newest signed checkpoint.",
            noArguments, output("ok", "entries"), Role.ADMIN, false,
            (p, a) -> ledger.verify(vertx, p)));
  }

  /**
   * An order the rules did not let through as asked (it waits for a person's approval, or the
   * venue rejected it) is a refusal the agent must act on, not a success.
   */
  private static Future<JsonObject> refuseUnlessPlaced(JsonObject order) {
    return switch (order.getString("status", "")) {
      case "awaiting_approval" -> Future.failedFuture(new ToolRefusal("needs_approval",
          "the order needs a person's approval before it is sent (see list_approvals); it was not executed", order));
      case "rejected" -> Future.failedFuture(new ToolRefusal("rejected", "the venue rejected the order", order));
      default -> Future.succeededFuture(order);
    };
  }

  /** The tools a caller with {@code role} may call, in the fixed order. */
  static List<McpTool> callableBy(List<McpTool> tools, Role role) {
    return tools.stream().filter(t -> role.atLeast(t.minRole())).toList();
  }

  static Optional<McpTool> named(List<McpTool> tools, String name) {
    return tools.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
