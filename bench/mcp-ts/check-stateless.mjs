// Drives Keyway's /mcp with the TypeScript SDK v2 client (@modelcontextprotocol/client), unmodified,
// negotiating the stateless 2026-07-28 revision (server/discover, headers that mirror the body).
// Environment: KEYWAY_URL, KEYWAY_TOKEN (an operator's API token), KEYWAY_ACCOUNT. Exits non-zero on any surprise.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const { KEYWAY_URL, KEYWAY_TOKEN, KEYWAY_ACCOUNT } = process.env;
function expect(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) process.exitCode = 1;
}

const transport = new StreamableHTTPClientTransport(new URL("/mcp", KEYWAY_URL), {
  requestInit: { headers: { Authorization: `Bearer ${KEYWAY_TOKEN}` } },
});
const client = new Client({ name: "keyway-ts2-check", version: "0.1.0" }, { versionNegotiation: { mode: "auto" } });
await client.connect(transport);
const version = client.getNegotiatedProtocolVersion();
expect(version === "2026-07-28", `negotiated ${version} with ${client.getServerVersion()?.name}`);

const tools = (await client.listTools()).tools.map((t) => t.name);
expect(tools.includes("place_order") && !tools.includes("verify_ledger"), `tools/list (${tools.length})`);

const balance = await client.callTool({ name: "get_balance", arguments: { accountId: KEYWAY_ACCOUNT } });
expect(!balance.isError, `get_balance: cash ${balance.structuredContent?.cash}`);

const refused = await client.callTool({
  name: "place_order",
  arguments: { accountId: KEYWAY_ACCOUNT, symbol: "AAPL", side: "buy", qty: "100000", type: "market" },
});
expect(refused.isError === true, `refused order: isError ${refused.isError}: ${refused.content[0].text}`);

await client.close();
console.log(process.exitCode ? "TS SDK v2 (2026-07-28) check FAILED" : "TS SDK v2 (2026-07-28) check passed");
