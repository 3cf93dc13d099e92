package io.keyway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyway.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private static final OriginPolicy OWN = OriginPolicy.of(List.of());
  private static final OriginPolicy LISTED = OriginPolicy.of(List.of("https://desk.example", "http://Ops.Example:8080"));

  @Test
  @DisplayName("unlisted: the gateway's own origin by Host, over http or https (TLS ends at a proxy), ports compared")
  void ownOrigin() {
    assertThat(OWN.allows("https://keyway.example", "keyway.example")).isTrue();
    assertThat(OWN.allows("http://keyway.example", "keyway.example")).isTrue();
    assertThat(OWN.allows("https://keyway.example:443", "keyway.example")).isTrue();
    assertThat(OWN.allows("https://keyway.example", "keyway.example:443")).isTrue();
    assertThat(OWN.allows("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(OWN.allows("https://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(OWN.allows("HTTPS://KeyWay.Example", "keyway.EXAMPLE")).isTrue();

    assertThat(OWN.allows("https://keyway.example:8443", "keyway.example")).isFalse();
    assertThat(OWN.allows("http://keyway.example", "keyway.example:443")).isFalse();
    assertThat(OWN.allows("https://evil.example", "keyway.example")).isFalse();
    assertThat(OWN.allows("https://keyway.example.evil.example", "keyway.example")).isFalse();
    assertThat(OWN.allows("https://keyway.example", null)).isFalse();
  }

  @Test
  @DisplayName("listed: only the list, scheme and host in any case, a default port written or not")
  void listed() {
    assertThat(LISTED.allows("https://desk.example", "keyway.example")).isTrue();
    assertThat(LISTED.allows("HTTPS://Desk.EXAMPLE:443", "keyway.example")).isTrue();
    assertThat(LISTED.allows("http://ops.example:8080", "keyway.example")).isTrue();

    assertThat(LISTED.allows("http://desk.example", "keyway.example")).isFalse();
    assertThat(LISTED.allows("https://desk.example:8443", "keyway.example")).isFalse();
    assertThat(LISTED.allows("http://ops.example", "keyway.example")).isFalse();
    assertThat(LISTED.allows("https://evil.example", "keyway.example")).isFalse();
    // a list replaces the default (API.md: "default: the gateway's own origin")
    assertThat(LISTED.allows("https://keyway.example", "keyway.example")).isFalse();
  }

  @Test
  @DisplayName("anything that is not an http(s) origin is refused; a malformed list entry is a configuration error")
  void malformed() {
    for (String o : new String[] {"null", "", "desk.example", "ftp://desk.example", "https://desk.example/",
        "https://desk.example/path", "https://user@desk.example", "https://desk.example?x=1", "https://"}) {
      assertThat(OWN.allows(o, "desk.example")).as(o).isFalse();
      assertThat(LISTED.allows(o, "desk.example")).as(o).isFalse();
    }
    assertThatThrownBy(() -> OriginPolicy.of(List.of("desk.example"))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("KEYWAY_ALLOWED_ORIGINS: ");
  }
}
