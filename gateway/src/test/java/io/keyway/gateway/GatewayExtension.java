package io.keyway.gateway;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestGateway} per test class: {@code @RegisterExtension static GatewayExtension gateway =
 * new GatewayExtension();} starts it before the class's tests and stops it after them.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> overrides;
  private TestGateway gateway;

  public GatewayExtension() {
    this(Map.of());
  }

  /** With KEYWAY_* settings that differ from the test defaults. */
  public GatewayExtension(Map<String, String> overrides) {
    this.overrides = overrides;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    gateway = TestGateway.start(overrides);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (gateway != null) {
      gateway.close();
    }
  }

  public TestGateway gateway() {
    return gateway;
  }

  public Api api() {
    return gateway.api();
  }

  public TestGateway.Session signedIn(String tenant, String email, io.keyway.gateway.identity.Role role) {
    return gateway.signedIn(tenant, email, role);
  }
}
