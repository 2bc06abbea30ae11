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

  @Test
  void embeddedServerRefusesRootWithAClearSentence() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only meaningful as root");
    assertThatThrownBy(() -> EmbeddedDatabase.start(Files.createTempDirectory("pg").toString(), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run as root")
        .hasMessageContaining("DATABASE_URL");
  }
}
