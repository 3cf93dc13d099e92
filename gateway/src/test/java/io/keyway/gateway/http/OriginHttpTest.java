package io.keyway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyway.config.ConfigKeys;
import io.keyway.gateway.GatewayExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one Origin rule on both browser-reachable endpoints, by raw HTTP/1.1 so the test sets the
 * {@code Host} a proxy forwards. An origin that passes reaches the next check: {@code /ws} upgrades
 * (101), {@code /mcp} asks for a token (401); one that fails is 403 on both.
 */
@Timeout(120)
class OriginHttpTest {
  @RegisterExtension static final GatewayExtension OWN = new GatewayExtension();
  @RegisterExtension static final GatewayExtension LISTED = new GatewayExtension(Map.of(
      ConfigKeys.ALLOWED_ORIGINS, "https://desk.example, http://ops.example:8080"));

  private static final String PASSED_WS = "HTTP/1.1 101 Switching Protocols";
  private static final String PASSED_MCP = "HTTP/1.1 401 Unauthorized";
  private static final String REFUSED = "HTTP/1.1 403 Forbidden";

  @Test
  @DisplayName("no list: the gateway's own origin over https behind a TLS proxy, over http, in any case; a foreign one is 403")
  void ownOrigin() throws Exception {
    int port = OWN.gateway().node().httpPort();
    String local = "127.0.0.1:" + port;
    for (String[] c : new String[][] {
        {"keyway.example", "https://keyway.example"}, // TLS ended at the proxy, which forwards Host as is
        {"keyway.example", "HTTPS://KeyWay.Example:443"},
        {local, "http://" + local},
        {local, "https://" + local}}) {
      assertThat(ws(port, c[0], c[1])).as("/ws Host %s Origin %s", c[0], c[1]).isEqualTo(PASSED_WS);
      assertThat(mcp(port, c[0], c[1])).as("/mcp Host %s Origin %s", c[0], c[1]).isEqualTo(PASSED_MCP);
    }
    for (String[] c : new String[][] {
        {"keyway.example", "https://evil.example"},
        {"keyway.example", "https://keyway.example:8443"},
        {local, "http://" + local + ".evil.example"},
        {local, "null"}}) {
      assertThat(ws(port, c[0], c[1])).as("/ws Host %s Origin %s", c[0], c[1]).isEqualTo(REFUSED);
      assertThat(mcp(port, c[0], c[1])).as("/mcp Host %s Origin %s", c[0], c[1]).isEqualTo(REFUSED);
    }
  }

  @Test
  @DisplayName("a list: its origins in any case with a default port written or not; anything else, the gateway's own too, is 403")
  void listed() throws Exception {
    int port = LISTED.gateway().node().httpPort();
    for (String origin : new String[] {"https://desk.example", "HTTPS://Desk.Example:443", "http://OPS.example:8080"}) {
      assertThat(ws(port, "keyway.example", origin)).as("/ws %s", origin).isEqualTo(PASSED_WS);
      assertThat(mcp(port, "keyway.example", origin)).as("/mcp %s", origin).isEqualTo(PASSED_MCP);
    }
    for (String origin : new String[] {"https://evil.example", "http://desk.example", "https://keyway.example"}) {
      assertThat(ws(port, "keyway.example", origin)).as("/ws %s", origin).isEqualTo(REFUSED);
      assertThat(mcp(port, "keyway.example", origin)).as("/mcp %s", origin).isEqualTo(REFUSED);
    }
  }

  @Test
  @DisplayName("no Origin (a non-browser client) passes on both endpoints, listed or not")
  void missing() throws Exception {
    for (GatewayExtension g : new GatewayExtension[] {OWN, LISTED}) {
      int port = g.gateway().node().httpPort();
      assertThat(ws(port, "keyway.example", null)).isEqualTo(PASSED_WS);
      assertThat(mcp(port, "keyway.example", null)).isEqualTo(PASSED_MCP);
    }
  }

  private static String ws(int port, String host, String origin) throws Exception {
    return statusLine(port, "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + originLine(origin) + "\r\n");
  }

  private static String mcp(int port, String host, String origin) throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    return statusLine(port, "POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\nContent-Length: " + body.length() + "\r\n"
        + originLine(origin) + "\r\n" + body);
  }

  private static String originLine(String origin) {
    return origin == null ? "" : "Origin: " + origin + "\r\n";
  }

  private static String statusLine(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }
}
