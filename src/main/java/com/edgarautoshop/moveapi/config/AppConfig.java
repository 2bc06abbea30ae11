package com.edgarautoshop.moveapi.config;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the service, read once from the environment and validated at start. */
public record AppConfig(
    String host,
    int port,
    Optional<DatabaseUrl> database,
    String embeddedDataDir,
    int dbPoolSize,
    Duration poolWaitTimeout,
    boolean dbPreparedStatementCache,
    Duration requestTimeout,
    Duration idleTimeout,
    Duration headerReadTimeout,
    Duration shutdownDrain,
    ZoneId shopTimeZone,
    Duration streamHeartbeat,
    StreamSettings streams,
    int boardMaxCards,
    AuthMode authMode,
    JwtSettings jwt,
    Optional<OidcSettings> oidc,
    Map<String, String> technicianNames,
    LogFormat logFormat,
    boolean seedDemoData,
    String appVersion,
    MetricsSettings metrics) {

  /** JWT: bearer tokens only. OIDC: bearer tokens, and the board page's sign-in with a session cookie. NONE: no auth, loopback only. */
  public enum AuthMode { JWT, OIDC, NONE }

  public enum LogFormat { JSON, TEXT }

  /** Whether a missing DATABASE_URL/PGHOST may fall back to the embedded PostgreSQL; the image forbids it. */
  public enum EmbeddedDatabasePolicy { ALLOW, FORBID }

  /** Where Postgres is; built from DATABASE_URL or the PG* variables. */
  public record DatabaseUrl(String host, int port, String database, String user, String password, String sslMode) {
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode;
    }
  }

  public record JwtSettings(
      Optional<String> jwksUrl,
      Optional<String> publicKeyPem,
      List<String> algorithms,
      Optional<String> issuer,
      List<String> audience,
      String roleClaim,
      int leewaySeconds,
      Duration jwksMaxAge) {}

  /**
   * The board page's sign-in (AUTH_MODE=oidc): authorization code flow with PKCE against
   * {@code issuer}, and a session in an AES-GCM encrypted cookie keyed by {@code sessionSecret}, so
   * any instance can read it. {@code logoutUrl} is where the browser goes after the local session
   * ends (an IdP's own sign-out page); without it, the IdP's discovered end_session_endpoint.
   */
  public record OidcSettings(
      URI issuer,
      String clientId,
      Optional<String> clientSecret,
      URI redirectUri,
      List<String> scopes,
      Optional<URI> logoutUrl,
      String sessionSecret,
      Duration sessionMaxAge,
      boolean cookieSecure) {

    /** scheme://host[:port] of the page, taken from the callback URL; the only Origin accepted for a session's POSTs. */
    public String publicOrigin() {
      return redirectUri.getScheme() + "://" + redirectUri.getRawAuthority();
    }
  }

  /**
   * Where metrics go: the Prometheus scrape on its own {@code port} (never the public one), and
   * CloudWatch when enabled. {@code environment} is the {@code Environment}
   * dimension published beside {@code Service=MoveAPI}; without a region or endpoint the AWS SDK's
   * own chains (AWS_REGION, the ECS task role) decide.
   */
  public record MetricsSettings(
      int port,
      String environment,
      boolean cloudWatchEnabled,
      String cloudWatchNamespace,
      Duration cloudWatchStep,
      Optional<URI> cloudWatchEndpoint,
      Optional<String> awsRegion) {}

  /**
   * Limits and timings of the board streams (GET /api/admin/appointments/stream). A zero
   * {@code doorbell} sends no NOTIFY: other instances then learn of changes by polling only.
   */
  public record StreamSettings(
      Duration maxLifetime,
      int maxPerUser,
      int maxPerInstance,
      Duration replayWindow,
      Duration poll,
      Duration doorbell) {}

  /** Thrown with one sentence naming the variable at fault. */
  public static final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  public static AppConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static AppConfig from(Map<String, String> env) {
    Env e = new Env(env);
    Optional<DatabaseUrl> database = e.database();
    // Checked first, so that a container without a database hears about the database, not about JWT settings.
    EmbeddedDatabasePolicy embeddedPolicy = e.enumValue("EMBEDDED_DATABASE", EmbeddedDatabasePolicy.class, EmbeddedDatabasePolicy.ALLOW);
    if (database.isEmpty() && embeddedPolicy == EmbeddedDatabasePolicy.FORBID) {
      throw new InvalidConfigException("EMBEDDED_DATABASE=forbid needs a database: set DATABASE_URL (postgresql://user:password@host:5432/database) or PGHOST");
    }
    AuthMode authMode = e.enumValue("AUTH_MODE", AuthMode.class, database.isPresent() ? AuthMode.JWT : AuthMode.NONE);
    String host = e.string("HOST", authMode == AuthMode.NONE ? "127.0.0.1" : "0.0.0.0");
    if (authMode == AuthMode.NONE && !isLoopback(host)) {
      throw new InvalidConfigException("HOST must be a loopback address (127.0.0.1, ::1 or localhost) when AUTH_MODE=none, got '" + host + "'");
    }
    JwtSettings jwt = new JwtSettings(
        e.optional("JWT_JWKS_URL"),
        e.optional("JWT_PUBLIC_KEY"),
        List.of(e.string("JWT_ALGORITHMS", "RS256").split("\\s*,\\s*")),
        e.optional("JWT_ISSUER"),
        e.optional("JWT_AUDIENCE").map(a -> List.of(a.split("\\s*,\\s*"))).orElse(List.of()),
        e.string("JWT_ROLE_CLAIM", "roles"),
        e.integer("JWT_LEEWAY_SECONDS", 30, 0, 60),
        Duration.ofSeconds(e.integer("JWT_JWKS_MAX_AGE_SECONDS", 3600, 2, 86_400)));
    if (authMode != AuthMode.NONE) {
      if (jwt.jwksUrl().isEmpty() && jwt.publicKeyPem().isEmpty()) {
        throw new InvalidConfigException("AUTH_MODE=" + authMode.name().toLowerCase() + " needs JWT_JWKS_URL or JWT_PUBLIC_KEY");
      }
      if (jwt.issuer().isEmpty() || jwt.audience().isEmpty()) {
        throw new InvalidConfigException("AUTH_MODE=" + authMode.name().toLowerCase() + " needs JWT_ISSUER and JWT_AUDIENCE, so that iss and aud are always checked");
      }
      jwt.jwksUrl().ifPresent(u -> e.requireUri("JWT_JWKS_URL", u));
      for (String alg : jwt.algorithms()) {
        if (!List.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512").contains(alg)) {
          throw new InvalidConfigException("JWT_ALGORITHMS may list only asymmetric algorithms (RS*, ES*, PS*), got '" + alg + "'");
        }
      }
    }
    int port = e.integer("PORT", 8080, 0, 65535);
    int metricsPort = e.integer("METRICS_PORT", 9090, 0, 65535);
    if (metricsPort != 0 && metricsPort == port) {
      throw new InvalidConfigException("METRICS_PORT must differ from PORT (" + port + "): /metrics is kept off the public listener");
    }
    return new AppConfig(
        host,
        port,
        database,
        e.string("EMBEDDED_DATA_DIR", System.getProperty("user.home") + "/.move-api/pgdata"),
        e.integer("DB_POOL_SIZE", 16, 1, 500),
        Duration.ofMillis(e.integer("DB_POOL_WAIT_MS", 2000, 1, 60_000)),
        e.bool("DB_PREPARED_STATEMENT_CACHE", true),
        Duration.ofMillis(e.integer("REQUEST_TIMEOUT", 5000, 100, 120_000)),
        // Both above a load balancer's idle timeout (an ALB's is 60 s), so that the balancer, not the service, closes idle connections.
        Duration.ofMillis(e.integer("HTTP_IDLE_TIMEOUT_MS", 65_000, 1000, 3_600_000)),
        Duration.ofMillis(e.integer("HTTP_HEADER_TIMEOUT_MS", 65_000, 1000, 3_600_000)),
        Duration.ofMillis(e.integer("SHUTDOWN_DRAIN_MS", 3000, 0, 60_000)),
        e.zone("SHOP_TIME_ZONE", "UTC"),
        // At most 20 s: a load balancer's idle timeout (an ALB's is 60 s) must never close a quiet stream.
        Duration.ofMillis(e.integer("STREAM_HEARTBEAT_MS", 15_000, 50, 20_000)),
        new StreamSettings(
            Duration.ofMillis(e.integer("STREAM_MAX_LIFETIME_MS", 1_800_000, 1000, 86_400_000)),
            e.integer("STREAM_MAX_PER_USER", 10, 1, 10_000),
            e.integer("STREAM_MAX_PER_INSTANCE", 1000, 1, 100_000),
            Duration.ofMillis(e.integer("STREAM_REPLAY_WINDOW_MS", 300_000, 0, 86_400_000)),
            Duration.ofMillis(e.integer("STREAM_POLL_MS", 1000, 10, 60_000)),
            Duration.ofMillis(e.integer("STREAM_DOORBELL_MS", 5, 0, 1000))),
        e.integer("BOARD_MAX_CARDS", 2000, 1, 20_000),
        authMode,
        jwt,
        authMode == AuthMode.OIDC ? Optional.of(e.oidc()) : Optional.empty(),
        e.technicianNames("TECHNICIANS"),
        e.enumValue("LOG_FORMAT", LogFormat.class, database.isPresent() ? LogFormat.JSON : LogFormat.TEXT),
        e.bool("SEED_DEMO_DATA", database.isEmpty()),
        e.string("APP_VERSION", Optional.ofNullable(AppConfig.class.getPackage().getImplementationVersion()).orElse("dev")),
        new MetricsSettings(
            metricsPort,
            e.matching("APP_ENV", "local", "[A-Za-z0-9._-]{1,64}", "1 to 64 letters, digits, '.', '_' or '-'"),
            e.bool("CLOUDWATCH_ENABLED", false),
            e.namespace("CLOUDWATCH_NAMESPACE", "EdgarAutoShop/MoveAPI"),
            e.duration("CLOUDWATCH_STEP", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(1), "1 second to 1 hour"),
            e.optional("CLOUDWATCH_ENDPOINT").map(u -> e.requireUri("CLOUDWATCH_ENDPOINT", u)),
            e.optional("AWS_REGION").map(r -> e.matching("AWS_REGION", r, "[a-z]{2}(-[a-z]+)+-[0-9]+", "an AWS region such as eu-west-1"))));
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || host.equals("::1");
  }

  /** Typed reads of the environment, each failure naming its variable. */
  private record Env(Map<String, String> env) {
    Optional<String> optional(String name) {
      return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    String string(String name, String fallback) {
      return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        int value = Integer.parseInt(raw.get());
        if (value < min || value > max) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException ex) {
        throw new InvalidConfigException(name + " must be an integer between " + min + " and " + max + ", got '" + raw.get() + "'");
      }
    }

    boolean bool(String name, boolean fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      return switch (raw.get().toLowerCase()) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default -> throw new InvalidConfigException(name + " must be true or false, got '" + raw.get() + "'");
      };
    }

    <T extends Enum<T>> T enumValue(String name, Class<T> type, T fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        return Enum.valueOf(type, raw.get().toUpperCase());
      } catch (IllegalArgumentException ex) {
        throw new InvalidConfigException(name + " must be one of " + List.of(type.getEnumConstants()).toString().toLowerCase() + ", got '" + raw.get() + "'");
      }
    }

    String matching(String name, String fallback, String regex, String what) {
      String raw = string(name, fallback);
      if (!raw.matches(regex)) {
        throw new InvalidConfigException(name + " must be " + what + ", got '" + raw + "'");
      }
      return raw;
    }

    /** CloudWatch's namespace rules: 1–255 of these characters, and the AWS/ prefix is reserved. */
    String namespace(String name, String fallback) {
      String raw = matching(name, fallback, "[A-Za-z0-9._/#: -]{1,255}", "1 to 255 letters, digits or . - _ / # : and spaces");
      if (raw.startsWith("AWS/")) {
        throw new InvalidConfigException(name + " must not start with the reserved prefix AWS/, got '" + raw + "'");
      }
      return raw;
    }

    /** An ISO-8601 duration (PT1M) or whole seconds (60), between min and max. */
    Duration duration(String name, Duration fallback, Duration min, Duration max, String range) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        Duration value = raw.get().matches("[0-9]{1,7}") ? Duration.ofSeconds(Long.parseLong(raw.get())) : Duration.parse(raw.get());
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
          throw new IllegalArgumentException();
        }
        return value;
      } catch (RuntimeException ex) {
        throw new InvalidConfigException(name + " must be a duration from " + range + ", as ISO-8601 (PT1M) or seconds (60), got '" + raw.get() + "'");
      }
    }

    OidcSettings oidc() {
      URI issuer = requireUri("OIDC_ISSUER", optional("OIDC_ISSUER")
          .orElseThrow(() -> new InvalidConfigException("AUTH_MODE=oidc needs OIDC_ISSUER (e.g. https://cognito-idp.eu-west-1.amazonaws.com/<pool id>)")));
      String clientId = optional("OIDC_CLIENT_ID").orElseThrow(() -> new InvalidConfigException("AUTH_MODE=oidc needs OIDC_CLIENT_ID"));
      URI redirectUri = requireUri("OIDC_REDIRECT_URI", optional("OIDC_REDIRECT_URI")
          .orElseThrow(() -> new InvalidConfigException("AUTH_MODE=oidc needs OIDC_REDIRECT_URI (https://<board host>/auth/callback)")));
      boolean loopback = isLoopback(redirectUri.getHost());
      if (!redirectUri.getScheme().equals("https") && !(redirectUri.getScheme().equals("http") && loopback)) {
        throw new InvalidConfigException("OIDC_REDIRECT_URI must be an https URL (http only for localhost), got '" + redirectUri + "'");
      }
      if (!"/auth/callback".equals(redirectUri.getPath())) {
        throw new InvalidConfigException("OIDC_REDIRECT_URI must end in the service's callback path /auth/callback, got '" + redirectUri + "'");
      }
      String secret = optional("SESSION_SECRET").orElseThrow(() -> new InvalidConfigException("AUTH_MODE=oidc needs SESSION_SECRET (at least 32 characters, the same on every instance)"));
      if (secret.length() < 32) {
        throw new InvalidConfigException("SESSION_SECRET must be at least 32 characters, got " + secret.length());
      }
      boolean secure = bool("SESSION_COOKIE_SECURE", true);
      if (!secure && !loopback) {
        throw new InvalidConfigException("SESSION_COOKIE_SECURE=false is allowed only when OIDC_REDIRECT_URI is on localhost, got '" + redirectUri + "'");
      }
      List<String> scopes = List.of(string("OIDC_SCOPES", "openid").split("[ ,]+"));
      if (!scopes.contains("openid")) {
        throw new InvalidConfigException("OIDC_SCOPES must include openid, got '" + String.join(" ", scopes) + "'");
      }
      return new OidcSettings(issuer, clientId, optional("OIDC_CLIENT_SECRET"), redirectUri, scopes,
          optional("OIDC_LOGOUT_URL").map(u -> requireUri("OIDC_LOGOUT_URL", u)), secret,
          duration("SESSION_MAX_AGE", Duration.ofHours(10), Duration.ofSeconds(5), Duration.ofDays(7), "5 seconds to 7 days"), secure);
    }

    /** {@code id=Name} pairs separated by commas, e.g. {@code tech-1=Sam Ortiz,tech-2=Ana Ruiz}. */
    Map<String, String> technicianNames(String name) {
      Map<String, String> names = new java.util.LinkedHashMap<>();
      for (String pair : string(name, "").split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
          throw new InvalidConfigException(name + " must be id=Name pairs separated by commas (tech-1=Sam Ortiz,tech-2=Ana Ruiz), got '" + pair.trim() + "'");
        }
        names.put(kv[0].trim(), kv[1].trim());
      }
      return Map.copyOf(names);
    }

    ZoneId zone(String name, String fallback) {
      String raw = string(name, fallback);
      try {
        return ZoneId.of(raw);
      } catch (RuntimeException ex) {
        throw new InvalidConfigException(name + " must be an IANA time zone such as Europe/Berlin, got '" + raw + "'");
      }
    }

    URI requireUri(String name, String raw) {
      try {
        URI uri = URI.create(raw);
        if (uri.getHost() == null || uri.getScheme() == null) {
          throw new IllegalArgumentException();
        }
        return uri;
      } catch (IllegalArgumentException ex) {
        // never echo DATABASE_URL: it may carry a password
        throw new InvalidConfigException(name + " must be an absolute URL such as scheme://host:port/path"
            + (name.equals("DATABASE_URL") ? "" : ", got '" + raw + "'"));
      }
    }

    Optional<DatabaseUrl> database() {
      Optional<String> url = optional("DATABASE_URL");
      if (url.isPresent()) {
        return Optional.of(parseDatabaseUrl(url.get()));
      }
      Optional<String> pgHost = optional("PGHOST");
      return pgHost.map(h -> new DatabaseUrl(h, integer("PGPORT", 5432, 1, 65535), string("PGDATABASE", "postgres"),
          string("PGUSER", "postgres"), string("PGPASSWORD", ""), sslMode(string("PGSSLMODE", "prefer"), "PGSSLMODE")));
    }

    DatabaseUrl parseDatabaseUrl(String raw) {
      URI uri = requireUri("DATABASE_URL", raw);
      if (!uri.getScheme().equals("postgres") && !uri.getScheme().equals("postgresql")) {
        throw new InvalidConfigException("DATABASE_URL must start with postgresql://, got scheme '" + uri.getScheme() + "'");
      }
      String user = "postgres";
      String password = "";
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = decode(parts[0]);
        password = parts.length > 1 ? decode(parts[1]) : "";
      }
      String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
      String sslMode = "prefer";
      if (uri.getQuery() != null) {
        for (String pair : uri.getQuery().split("&")) {
          String[] kv = pair.split("=", 2);
          if (kv[0].equals("sslmode") && kv.length == 2) {
            sslMode = sslMode(kv[1], "DATABASE_URL sslmode");
          }
        }
      }
      return new DatabaseUrl(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password, sslMode);
    }

    private static String decode(String s) {
      // Percent-decoding only, as libpq does: URLDecoder alone would also turn '+' into a space.
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String sslMode(String mode, String name) {
      if (!List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full").contains(mode)) {
        throw new InvalidConfigException(name + " must be one of disable, allow, prefer, require, verify-ca, verify-full; got '" + mode + "'");
      }
      return mode;
    }
  }
}
