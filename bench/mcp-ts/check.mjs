// Drives Keyway's /mcp with the official TypeScript SDK client (@modelcontextprotocol/sdk), unmodified.
// Environment: KEYWAY_URL (e.g. http://127.0.0.1:8080), KEYWAY_TOKEN (an operator's API token),
// KEYWAY_ACCOUNT (a funded trading account of that operator). Exits non-zero on any surprise.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const { KEYWAY_URL, KEYWAY_TOKEN, KEYWAY_ACCOUNT } = process.env;
if (!KEYWAY_URL || !KEYWAY_TOKEN || !KEYWAY_ACCOUNT) {
  console.error("set KEYWAY_URL, KEYWAY_TOKEN and KEYWAY_ACCOUNT");
  process.exit(2);
}

function expect(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) process.exitCode = 1;
}

const transport = new StreamableHTTPClientTransport(new URL("/mcp", KEYWAY_URL), {
  requestInit: { headers: { Authorization: `Bearer ${KEYWAY_TOKEN}` } },
});
const client = new Client({ name: "keyway-ts-check", version: "0.1.0" });
await client.connect(transport);
const server = client.getServerVersion();
expect(server?.name === "keyway", `initialize: server ${server?.name} ${server?.version}, no session id: ${transport.sessionId === undefined}`);

const tools = (await client.listTools()).tools.map((t) => t.name);
expect(tools.includes("place_order") && !tools.includes("verify_ledger"), `tools/list (${tools.length}): ${tools.join(", ")}`);

const me = await client.callTool({ name: "whoami", arguments: {} });
expect(!me.isError && me.structuredContent.role === "operator", `whoami: ${me.structuredContent.email} (${me.structuredContent.role})`);

const balance = await client.callTool({ name: "get_balance", arguments: { accountId: KEYWAY_ACCOUNT } });
expect(!balance.isError, `get_balance: cash ${balance.structuredContent?.cash}, equity ${balance.structuredContent?.equity}`);

const order = await client.callTool({
  name: "place_order",
  arguments: { accountId: KEYWAY_ACCOUNT, symbol: "AAPL", side: "buy", qty: "1", type: "market" },
});
expect(!order.isError, `place_order: ${order.structuredContent?.status} ${order.structuredContent?.qty} ${order.structuredContent?.symbol}`);

const refused = await client.callTool({
  name: "place_order",
  arguments: { accountId: KEYWAY_ACCOUNT, symbol: "AAPL", side: "buy", qty: "100000", type: "market" },
});
expect(refused.isError === true, `refused order: isError ${refused.isError}: ${refused.content[0].text}`);

try {
  await client.callTool({ name: "get_balance", arguments: { accountId: KEYWAY_ACCOUNT, extra: true } });
  expect(false, "an unknown argument is refused");
} catch (e) {
  expect(e.code === -32602, `an unknown argument is refused: ${e.code} ${e.message}`);
}

await client.close();
console.log(process.exitCode ? "TS SDK check FAILED" : "TS SDK check passed");
