package io.keyway.gateway.identity;

import io.keyway.config.db.TenantScope;
import io.keyway.errors.KeywayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A tenant's look: display name, logo, four colours and custom CSS. Everyone of the tenant reads
 * it; admins change it. An update merges: absent fields keep their value, {@code logoUrl: null}
 * clears the logo. The custom CSS is served as its own stylesheet under a Content-Security-Policy
 * that allows no inline or foreign script; the checks here only refuse what has no business in a
 * theme (markup, imports, scriptable CSS), they are not the security boundary.
 */
public final class TenantTheme {
  /** The colour keys, in the order answers list them. */
  public static final List<String> COLOR_KEYS = List.of("primary", "accent", "bg", "panel");
  public static final int CSS_MAX_BYTES = 32 * 1024;
  public static final int LOGO_URL_MAX = 2048;
  private static final Map<String, String> DEFAULT_COLORS = Map.of(
      "primary", "#1f6feb", "accent", "#8250df", "bg", "#0d1117", "panel", "#161b22");
  private static final Pattern COLOR = Pattern.compile("^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
  private static final Pattern LOGO = Pattern.compile("^(?:https://[^\\s\"'()<>\\\\]+|/[^/\\s\"'()<>\\\\][^\\s\"'()<>\\\\]*)$");
  private static final List<String> CSS_REFUSED =
      List.of("</", "<!--", "@import", "expression(", "javascript:", "behavior:", "-moz-binding", "\\");
  private static final Set<String> FIELDS = Set.of("name", "displayName", "logoUrl", "colors", "customCss");

  private static final String SELECT =
      "SELECT name, display_name, logo_url, colors, custom_css FROM identity.tenants WHERE id = $1";
  private static final String SELECT_FOR_UPDATE = SELECT + " FOR UPDATE";
  private static final String UPDATE =
      "UPDATE identity.tenants SET display_name = $2, logo_url = $3, colors = $4, custom_css = $5 WHERE id = $1";

  private final TenantScope db;
  private final AuditTrail audit;

  public TenantTheme(TenantScope db, AuditTrail audit) {
    this.db = db;
    this.audit = audit;
  }

  /** The caller's tenant theme. */
  public Future<JsonObject> get(Principal caller) {
    return db.inTenant(caller.tenantId(), c -> read(c, caller.tenantId(), SELECT)).map(Theme::toJson);
  }

  /** The custom CSS alone, for the stylesheet route. */
  public Future<String> css(UUID tenantId) {
    return db.inTenant(tenantId, c -> read(c, tenantId, SELECT)).map(Theme::customCss);
  }

  /** Validates {@code body} completely before anything is written, then merges it in (admins only). */
  public Future<JsonObject> update(Principal admin, JsonObject body) {
    Patch patch = Patch.parse(body);
    return db.inTenant(admin.tenantId(), c -> read(c, admin.tenantId(), SELECT_FOR_UPDATE).compose(before -> {
      if (patch.name != null && !patch.name.equals(before.name())) {
        return Future.failedFuture(KeywayException.badField("name",
            "is the tenant's sign-in name and cannot be changed here"));
      }
      Theme after = patch.applyTo(before);
      return c.preparedQuery(UPDATE)
          .execute(Tuple.of(admin.tenantId(), after.displayName(), after.logoUrl(), after.colors(), after.customCss()))
          .map(r -> new Theme[] {before, after});
    })).compose(pair -> {
      JsonObject changes = pair[0].changesTo(pair[1]);
      Future<Void> audited = changes.isEmpty() ? Future.succeededFuture() : audit.themeChanged(admin, changes);
      return audited.map(x -> pair[1].toJson());
    });
  }

  private static Future<Theme> read(SqlConnection c, UUID tenantId, String sql) {
    return c.preparedQuery(sql).execute(Tuple.of(tenantId)).map(rows -> {
      if (rows.size() == 0) {
        throw KeywayException.notFound("tenant");
      }
      return Theme.from(rows.iterator().next());
    });
  }

  record Theme(String name, String displayName, String logoUrl, JsonObject colors, String customCss) {
    static Theme from(Row r) {
      Object raw = r.getValue("colors");
      JsonObject stored = raw instanceof JsonObject j ? j : new JsonObject();
      JsonObject colors = new JsonObject();
      for (String k : COLOR_KEYS) {
        colors.put(k, stored.getString(k, DEFAULT_COLORS.get(k)));
      }
      return new Theme(r.getString("name"), r.getString("display_name"), r.getString("logo_url"), colors,
          r.getString("custom_css"));
    }

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("displayName", displayName).put("logoUrl", logoUrl)
          .put("colors", colors.copy()).put("customCss", customCss);
    }

    /** What changed, for the audit entry: the CSS by length and digest, never by content. */
    JsonObject changesTo(Theme after) {
      JsonObject out = new JsonObject();
      if (!displayName.equals(after.displayName)) {
        out.put("displayName", new JsonObject().put("from", displayName).put("to", after.displayName));
      }
      if (!java.util.Objects.equals(logoUrl, after.logoUrl)) {
        out.put("logoUrl", new JsonObject().put("from", logoUrl).put("to", after.logoUrl));
      }
      if (!colors.equals(after.colors)) {
        out.put("colors", new JsonObject().put("from", colors.copy()).put("to", after.colors.copy()));
      }
      if (!customCss.equals(after.customCss)) {
        out.put("customCss", new JsonObject().put("bytes", after.customCss.getBytes(StandardCharsets.UTF_8).length)
            .put("sha256", sha256(after.customCss)));
      }
      return out;
    }
  }

  /** A validated update: null fields are left alone (except an explicit {@code logoUrl: null}). */
  private static final class Patch {
    String name;
    String displayName;
    boolean logoGiven;
    String logoUrl;
    Map<String, String> colors;
    String customCss;

    static Patch parse(JsonObject body) {
      for (String field : body.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw KeywayException.badField(field, "is not a theme field");
        }
      }
      Patch p = new Patch();
      p.name = optString(body, "name");
      String display = optString(body, "displayName");
      p.displayName = display == null ? null : Validation.displayName("displayName", display);
      if (body.containsKey("logoUrl")) {
        p.logoGiven = true;
        p.logoUrl = optString(body, "logoUrl");
        if (p.logoUrl != null && (p.logoUrl.length() > LOGO_URL_MAX || !LOGO.matcher(p.logoUrl).matches())) {
          throw KeywayException.badField("logoUrl", "must be an https:// URL or a path on this gateway, at most "
              + LOGO_URL_MAX + " characters");
        }
      }
      Object colors = body.getValue("colors");
      if (colors != null) {
        if (!(colors instanceof JsonObject obj)) {
          throw KeywayException.badField("colors", "must be an object of " + String.join(", ", COLOR_KEYS));
        }
        p.colors = new LinkedHashMap<>();
        for (String k : obj.fieldNames()) {
          if (!COLOR_KEYS.contains(k)) {
            throw KeywayException.badField("colors." + k, "is not a theme colour (" + String.join(", ", COLOR_KEYS) + ")");
          }
          Object v = obj.getValue(k);
          if (!(v instanceof String s) || !COLOR.matcher(s).matches()) {
            throw KeywayException.badField("colors." + k, "must be a hex colour such as #1f6feb");
          }
          p.colors.put(k, s.toLowerCase(Locale.ROOT));
        }
      }
      p.customCss = optString(body, "customCss");
      if (p.customCss != null) {
        checkCss(p.customCss);
      }
      return p;
    }

    Theme applyTo(Theme t) {
      JsonObject colorsAfter = t.colors().copy();
      if (colors != null) {
        colors.forEach(colorsAfter::put);
      }
      return new Theme(t.name(), displayName == null ? t.displayName() : displayName,
          logoGiven ? logoUrl : t.logoUrl(), colorsAfter, customCss == null ? t.customCss() : customCss);
    }
  }

  static void checkCss(String css) {
    if (css.getBytes(StandardCharsets.UTF_8).length > CSS_MAX_BYTES) {
      throw KeywayException.badField("customCss", "must be at most " + CSS_MAX_BYTES + " bytes");
    }
    String lower = css.toLowerCase(Locale.ROOT);
    for (String refused : CSS_REFUSED) {
      if (lower.contains(refused)) {
        throw KeywayException.badField("customCss", "may not contain " + refused);
      }
    }
    for (int i = 0; i < css.length(); i++) {
      char ch = css.charAt(i);
      if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') {
        throw KeywayException.badField("customCss", "may not contain control characters");
      }
    }
  }

  private static String optString(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw KeywayException.badField(field, "must be a string");
    }
    return s;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
