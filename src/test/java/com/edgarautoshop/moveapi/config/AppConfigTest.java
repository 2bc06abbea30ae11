package com.edgarautoshop.moveapi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.edgarautoshop.moveapi.config.AppConfig.AuthMode;
import com.edgarautoshop.moveapi.db.EmbeddedDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up validation: defaults, typed values, and one clear sentence naming the bad variable. */
class AppConfigTest {

  @Test
  void noDatabaseMeansEmbeddedDemoWithoutAuthOnLoopback() {
    AppConfig config = AppConfig.from(Map.of());
    assertThat(config.database()).isEmpty();
    assertThat(config.authMode()).isEqualTo(AuthMode.NONE);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.seedDemoData()).isTrue();
    assertThat(config.shopTimeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(config.streamHeartbeat()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void metricsListenOnTheirOwnPortAndConnectionsOutliveAnAlbsIdleTimeout() {
    AppConfig defaults = AppConfig.from(Map.of());
    assertThat(defaults.metrics().port()).isEqualTo(9090);
    assertThat(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(65));
    assertThat(defaults.headerReadTimeout()).isEqualTo(Duration.ofSeconds(65));
    assertThat(defaults.jwt().jwksMaxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(AppConfig.from(Map.of("METRICS_PORT", "0", "PORT", "0")).metrics().port()).isZero();
    assertThatThrownBy(() -> AppConfig.from(Map.of("METRICS_PORT", "8080"))).hasMessageStartingWith("METRICS_PORT must differ from PORT");
    assertThatThrownBy(() -> AppConfig.from(Map.of("METRICS_PORT", "65536"))).hasMessageStartingWith("METRICS_PORT ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("HTTP_HEADER_TIMEOUT_MS", "999"))).hasMessageStartingWith("HTTP_HEADER_TIMEOUT_MS ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("HTTP_IDLE_TIMEOUT_MS", "forever"))).hasMessageStartingWith("HTTP_IDLE_TIMEOUT_MS ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("JWT_JWKS_MAX_AGE_SECONDS", "1"))).hasMessageStartingWith("JWT_JWKS_MAX_AGE_SECONDS ");
  }

  @Test
  void streamHeartbeatIsAtMostTwentySeconds() {
    assertThat(AppConfig.from(Map.of("STREAM_HEARTBEAT_MS", "20000")).streamHeartbeat()).isEqualTo(Duration.ofSeconds(20));
    assertThatThrownBy(() -> AppConfig.from(Map.of("STREAM_HEARTBEAT_MS", "20001"))).hasMessageStartingWith("STREAM_HEARTBEAT_MS ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("STREAM_HEARTBEAT_MS", "soon"))).hasMessageStartingWith("STREAM_HEARTBEAT_MS ");
  }

  @Test
  void streamLimitsAndTheBoardsSizeHaveDefaultsAndBounds() {
    AppConfig.StreamSettings defaults = AppConfig.from(Map.of()).streams();
    assertThat(defaults.maxLifetime()).isEqualTo(Duration.ofMinutes(30));
    assertThat(defaults.maxPerUser()).isEqualTo(10);
    assertThat(defaults.maxPerInstance()).isEqualTo(1000);
    assertThat(defaults.replayWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.poll()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.doorbell()).isEqualTo(Duration.ofMillis(5));
    assertThat(AppConfig.from(Map.of()).boardMaxCards()).isEqualTo(2000);
    assertThat(AppConfig.from(Map.of("STREAM_DOORBELL_MS", "0", "STREAM_REPLAY_WINDOW_MS", "0")).streams().doorbell()).isZero();
    for (String[] bad : new String[][] {{"STREAM_MAX_LIFETIME_MS", "999"}, {"STREAM_MAX_PER_USER", "0"}, {"STREAM_MAX_PER_INSTANCE", "lots"},
        {"STREAM_REPLAY_WINDOW_MS", "-1"}, {"STREAM_POLL_MS", "9"}, {"STREAM_DOORBELL_MS", "1001"}, {"BOARD_MAX_CARDS", "20001"}}) {
      assertThatThrownBy(() -> AppConfig.from(Map.of(bad[0], bad[1]))).hasMessageStartingWith(bad[0] + " ");
    }
  }

  @Test
  void databaseUrlIsParsedWithTls() {
    AppConfig config = AppConfig.from(Map.of("DATABASE_URL", "postgresql://app:p%40ss@db.example:6543/shop?sslmode=require",
        "JWT_PUBLIC_KEY", "pem", "JWT_ISSUER", "iss", "JWT_AUDIENCE", "a, b", "SHOP_TIME_ZONE", "Europe/Berlin", "DB_POOL_SIZE", "32"));
    AppConfig.DatabaseUrl db = config.database().orElseThrow();
    assertThat(db.host()).isEqualTo("db.example");
    assertThat(db.port()).isEqualTo(6543);
    assertThat(db.database()).isEqualTo("shop");
    assertThat(db.user()).isEqualTo("app");
    assertThat(db.password()).isEqualTo("p@ss");
    assertThat(db.sslMode()).isEqualTo("require");
    assertThat(config.authMode()).isEqualTo(AuthMode.JWT);
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.dbPoolSize()).isEqualTo(32);
    assertThat(config.jwt().audience()).containsExactly("a", "b");
  }

  @Test
  void forbiddenEmbeddedDatabaseWithoutADatabaseNamesWhatToSetBeforeAnyJwtComplaint() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("EMBEDDED_DATABASE", "forbid", "AUTH_MODE", "jwt")))
        .isInstanceOf(AppConfig.InvalidConfigException.class)
        .hasMessage("EMBEDDED_DATABASE=forbid needs a database: set DATABASE_URL (postgresql://user:password@host:5432/database) or PGHOST");
    assertThat(AppConfig.from(Map.of("EMBEDDED_DATABASE", "forbid", "PGHOST", "pg", "AUTH_MODE", "none")).database()).isPresent();
    assertThat(AppConfig.from(Map.of("EMBEDDED_DATABASE", "allow")).database()).isEmpty();
    assertThatThrownBy(() -> AppConfig.from(Map.of("EMBEDDED_DATABASE", "never", "PGHOST", "pg", "AUTH_MODE", "none")))
        .hasMessage("EMBEDDED_DATABASE must be one of [allow, forbid], got 'never'");
  }

  @Test
  void pgVariablesWorkToo() {
    AppConfig config = AppConfig.from(Map.of("PGHOST", "pg", "PGUSER", "u", "PGDATABASE", "d", "AUTH_MODE", "none", "HOST", "::1"));
    assertThat(config.database().orElseThrow().jdbcUrl()).isEqualTo("jdbc:postgresql://pg:5432/d?sslmode=prefer");
  }

  @Test
  void preparedStatementCacheIsOnUnlessTurnedOff() {
    assertThat(AppConfig.from(Map.of()).dbPreparedStatementCache()).isTrue();
    assertThat(AppConfig.from(Map.of("DB_PREPARED_STATEMENT_CACHE", "false")).dbPreparedStatementCache()).isFalse();
    assertThat(AppConfig.from(Map.of("DB_PREPARED_STATEMENT_CACHE", "1")).dbPreparedStatementCache()).isTrue();
    assertThatThrownBy(() -> AppConfig.from(Map.of("DB_PREPARED_STATEMENT_CACHE", "off")))
        .hasMessage("DB_PREPARED_STATEMENT_CACHE must be true or false, got 'off'");
  }

  @Test
  void badValuesNameTheirVariable() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("PORT", "http"))).hasMessageStartingWith("PORT ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DB_POOL_SIZE", "0"))).hasMessageStartingWith("DB_POOL_SIZE ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("SHOP_TIME_ZONE", "Mars/Base"))).hasMessageStartingWith("SHOP_TIME_ZONE ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("LOG_FORMAT", "xml"))).hasMessageStartingWith("LOG_FORMAT ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DATABASE_URL", "mysql://x/y"))).hasMessageContaining("DATABASE_URL");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DATABASE_URL", "post gres://u:secret@h/d"))).hasMessageNotContaining("secret");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DATABASE_URL", "postgresql://h/d", "JWT_PUBLIC_KEY", "k")))
        .hasMessageContaining("JWT_ISSUER and JWT_AUDIENCE");
    assertThatThrownBy(() -> AppConfig.from(Map.of("AUTH_MODE", "none", "HOST", "127.example.com"))).hasMessageStartingWith("HOST must be a loopback");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DATABASE_URL", "postgresql://h/d?sslmode=sometimes"))).hasMessageContaining("sslmode");
    assertThatThrownBy(() -> AppConfig.from(Map.of("DATABASE_URL", "postgresql://h/d"))).hasMessageContaining("JWT_JWKS_URL or JWT_PUBLIC_KEY");
    assertThatThrownBy(() -> AppConfig.from(Map.of("AUTH_MODE", "none", "HOST", "0.0.0.0"))).hasMessageStartingWith("HOST must be a loopback");
    assertThatThrownBy(() -> AppConfig.from(Map.of("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY", "k", "JWT_ISSUER", "i", "JWT_AUDIENCE", "a", "JWT_ALGORITHMS", "HS256")))
        .hasMessageStartingWith("JWT_ALGORITHMS");
    assertThatThrownBy(() -> AppConfig.from(Map.of("JWT_LEEWAY_SECONDS", "120"))).hasMessageStartingWith("JWT_LEEWAY_SECONDS");
  }

  @Test
  void metricsDefaultToPrometheusOnlyWithTheDocumentedCloudWatchSettings() {
    AppConfig.MetricsSettings metrics = AppConfig.from(Map.of()).metrics();
    assertThat(metrics.cloudWatchEnabled()).isFalse();
    assertThat(metrics.cloudWatchNamespace()).isEqualTo("EdgarAutoShop/MoveAPI");
    assertThat(metrics.cloudWatchStep()).isEqualTo(Duration.ofMinutes(1));
    assertThat(metrics.environment()).isEqualTo("local");
    assertThat(metrics.cloudWatchEndpoint()).isEmpty();
    assertThat(metrics.awsRegion()).isEmpty();
  }

  @Test
  void cloudWatchSettingsAreRead() {
    AppConfig.MetricsSettings metrics = AppConfig.from(Map.of("CLOUDWATCH_ENABLED", "true", "CLOUDWATCH_NAMESPACE", "Shop/Moves",
        "CLOUDWATCH_STEP", "PT30S", "APP_ENV", "production", "CLOUDWATCH_ENDPOINT", "http://127.0.0.1:4566",
        "AWS_REGION", "eu-west-1")).metrics();
    assertThat(metrics.cloudWatchEnabled()).isTrue();
    assertThat(metrics.cloudWatchNamespace()).isEqualTo("Shop/Moves");
    assertThat(metrics.cloudWatchStep()).isEqualTo(Duration.ofSeconds(30));
    assertThat(metrics.environment()).isEqualTo("production");
    assertThat(metrics.cloudWatchEndpoint()).contains(URI.create("http://127.0.0.1:4566"));
    assertThat(metrics.awsRegion()).contains("eu-west-1");
    assertThat(AppConfig.from(Map.of("CLOUDWATCH_STEP", "90")).metrics().cloudWatchStep()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void badMetricsValuesNameTheirVariable() {
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_ENABLED", "maybe"))).hasMessageStartingWith("CLOUDWATCH_ENABLED ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_STEP", "0"))).hasMessageStartingWith("CLOUDWATCH_STEP ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_STEP", "PT2H"))).hasMessageStartingWith("CLOUDWATCH_STEP ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_STEP", "1 minute"))).hasMessageStartingWith("CLOUDWATCH_STEP ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_NAMESPACE", "AWS/EC2"))).hasMessageStartingWith("CLOUDWATCH_NAMESPACE ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_NAMESPACE", "bad$name"))).hasMessageStartingWith("CLOUDWATCH_NAMESPACE ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("CLOUDWATCH_ENDPOINT", "not a url"))).hasMessageStartingWith("CLOUDWATCH_ENDPOINT ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("AWS_REGION", "Europe"))).hasMessageStartingWith("AWS_REGION ");
    assertThatThrownBy(() -> AppConfig.from(Map.of("APP_ENV", "prod env"))).hasMessageStartingWith("APP_ENV ");
  }

  private static final Map<String, String> OIDC = Map.of("PGHOST", "pg", "AUTH_MODE", "oidc",
      "JWT_JWKS_URL", "https://idp.example/jwks", "JWT_ISSUER", "https://idp.example", "JWT_AUDIENCE", "move-api",
      "OIDC_ISSUER", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "OIDC_CLIENT_ID", "client",
      "OIDC_REDIRECT_URI", "https://board.shop.example/auth/callback", "SESSION_SECRET", "0123456789abcdef0123456789abcdef");

  private static Map<String, String> oidcWith(String... pairs) {
    Map<String, String> env = new java.util.HashMap<>(OIDC);
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        env.remove(pairs[i]);
      } else {
        env.put(pairs[i], pairs[i + 1]);
      }
    }
    return env;
  }

  @Test
  void oidcSignInHasSafeDefaults() {
    AppConfig.OidcSettings oidc = AppConfig.from(OIDC).oidc().orElseThrow();
    assertThat(oidc.scopes()).containsExactly("openid");
    assertThat(oidc.sessionMaxAge()).isEqualTo(Duration.ofHours(10));
    assertThat(oidc.cookieSecure()).isTrue();
    assertThat(oidc.clientSecret()).isEmpty();
    assertThat(oidc.publicOrigin()).isEqualTo("https://board.shop.example");
    assertThat(AppConfig.from(Map.of()).oidc()).isEmpty();
    assertThat(AppConfig.from(oidcWith("OIDC_SCOPES", "openid email", "SESSION_MAX_AGE", "PT8H")).oidc().orElseThrow().scopes())
        .containsExactly("openid", "email");
  }

  @Test
  void badOidcValuesNameTheirVariable() {
    assertThatThrownBy(() -> AppConfig.from(oidcWith("OIDC_ISSUER", null))).hasMessageStartingWith("AUTH_MODE=oidc needs OIDC_ISSUER");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("OIDC_CLIENT_ID", null))).hasMessageStartingWith("AUTH_MODE=oidc needs OIDC_CLIENT_ID");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("SESSION_SECRET", null))).hasMessageStartingWith("AUTH_MODE=oidc needs SESSION_SECRET");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("SESSION_SECRET", "short"))).hasMessage("SESSION_SECRET must be at least 32 characters, got 5");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("OIDC_REDIRECT_URI", "http://board.shop.example/auth/callback")))
        .hasMessageStartingWith("OIDC_REDIRECT_URI must be an https URL");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("OIDC_REDIRECT_URI", "https://board.shop.example/callback")))
        .hasMessageStartingWith("OIDC_REDIRECT_URI must end in the service's callback path /auth/callback");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("SESSION_COOKIE_SECURE", "false")))
        .hasMessageStartingWith("SESSION_COOKIE_SECURE=false is allowed only when OIDC_REDIRECT_URI is on localhost");
    assertThat(AppConfig.from(oidcWith("SESSION_COOKIE_SECURE", "false", "OIDC_REDIRECT_URI", "http://127.0.0.1:8080/auth/callback"))
        .oidc().orElseThrow().cookieSecure()).isFalse();
    assertThatThrownBy(() -> AppConfig.from(oidcWith("SESSION_MAX_AGE", "PT8D"))).hasMessageStartingWith("SESSION_MAX_AGE must be a duration from 5 seconds to 7 days");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("OIDC_SCOPES", "email"))).hasMessageStartingWith("OIDC_SCOPES must include openid");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("OIDC_LOGOUT_URL", "not a url"))).hasMessageStartingWith("OIDC_LOGOUT_URL ");
    assertThatThrownBy(() -> AppConfig.from(oidcWith("JWT_JWKS_URL", null))).hasMessage("AUTH_MODE=oidc needs JWT_JWKS_URL or JWT_PUBLIC_KEY");
  }

  @Test
  void technicianNamesAreIdNamePairs() {
    assertThat(AppConfig.from(Map.of("TECHNICIANS", "tech-1=Sam Ortiz, tech-2 = Ana Ruiz")).technicianNames())
        .containsExactlyInAnyOrderEntriesOf(Map.of("tech-1", "Sam Ortiz", "tech-2", "Ana Ruiz"));
    assertThat(AppConfig.from(Map.of()).technicianNames()).isEmpty();
    assertThatThrownBy(() -> AppConfig.from(Map.of("TECHNICIANS", "tech-1"))).hasMessageStartingWith("TECHNICIANS must be id=Name pairs");
  }

  @Test
  void embeddedServerRefusesRootWithAClearSentence() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only meaningful as root");
    assertThatThrownBy(() -> EmbeddedDatabase.start(Files.createTempDirectory("pg").toString(), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run as root")
        .hasMessageContaining("DATABASE_URL");
  }

  @Test
  void databaseUrlCredentialsArePercentDecodedOnlyAsLibpqDoes() {
    AppConfig config = AppConfig.from(Map.of("DATABASE_URL", "postgresql://app+ro:a+b%2Bc%20d@db.example/shop", "AUTH_MODE", "none"));
    assertThat(config.database().orElseThrow().user()).isEqualTo("app+ro");
    assertThat(config.database().orElseThrow().password()).isEqualTo("a+b+c d");
    assertThatThrownBy(() -> AppConfig.from(Map.of("PGHOST", "db", "PGSSLMODE", "sometimes", "AUTH_MODE", "none")))
        .hasMessageContaining("disable, allow, prefer, require, verify-ca, verify-full");
  }
}
