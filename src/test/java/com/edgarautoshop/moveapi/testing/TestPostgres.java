package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.db.EmbeddedDatabase;
import com.edgarautoshop.moveapi.db.Migrations;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The one PostgreSQL of the test suite: TEST_DATABASE_URL if set, else Testcontainers when a Docker
 * engine answers, else the embedded server (which PostgreSQL only allows for a non-root user).
 */
public final class TestPostgres {
  private static DatabaseUrl url;

  private TestPostgres() {}

  public static synchronized DatabaseUrl url() {
    if (url == null) {
      url = start();
      Migrations.apply(url);
    }
    return url;
  }

  public static Connection jdbc() throws SQLException {
    DatabaseUrl db = url();
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  /** A connection holding FOR UPDATE locks on these cards in an open transaction, until it rolls back or closes. */
  public static Connection lockCards(String... ids) throws SQLException {
    Connection blocker = jdbc();
    blocker.setAutoCommit(false);
    try (Statement sql = blocker.createStatement()) {
      sql.execute("SELECT id FROM appointments WHERE id IN (" + String.join(", ", ids) + ") FOR UPDATE");
    }
    return blocker;
  }

  /** Waits (bounded) until one of the service's statements is waiting on a lock, e.g. a row a test holds. */
  public static void awaitServiceWaitingOnLock() {
    Awaitility.await("a service statement waiting on a lock").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          try (Connection conn = jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'move-api' AND wait_event_type = 'Lock'"
              + " AND datname = current_database()")) {
            rs.next();
            return rs.getInt(1) > 0;
          }
        });
  }

  /**
   * Waits (bounded) until none of the service's backends is running a statement or waiting on a
   * lock: what a cancelled or timed-out request leaves behind once PostgreSQL has rolled it back.
   */
  public static void awaitNoServiceStatementRunning() {
    Awaitility.await("no service statement running").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      try (Connection conn = jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'move-api' AND state <> 'idle'")) {
        rs.next();
        return rs.getInt(1) == 0;
      }
    });
  }

  /**
   * Ends the backend of the event reader of the service on {@code port} (pg_terminate_backend),
   * once it is connected; fails if none appears within 10 s.
   */
  public static void terminateEventReader(int port) {
    Awaitility.await("the event reader of the service on port " + port + " ended").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20)).until(() -> {
          try (Connection conn = jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'move-api-events:" + port + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
          }
        });
  }

  /** Whether the event reader of the service on {@code port} has a backend now. */
  public static boolean eventReaderConnected(int port) throws SQLException {
    try (Connection conn = jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'move-api-events:" + port + "'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  private static DatabaseUrl start() {
    String configured = System.getenv("TEST_DATABASE_URL");
    if (configured != null && !configured.isBlank()) {
      return AppConfig.from(Map.of("DATABASE_URL", configured, "AUTH_MODE", "none")).database().orElseThrow();
    }
    if (dockerAnswers()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
      container.start();
      return new DatabaseUrl(container.getHost(), container.getFirstMappedPort(), container.getDatabaseName(),
          container.getUsername(), container.getPassword(), "disable");
    }
    try {
      EmbeddedDatabase embedded = EmbeddedDatabase.start(Files.createTempDirectory("move-api-test-pg").toString(), 0);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (Exception ignored) {
          // the JVM is exiting; the temp directory goes with it
        }
      }));
      return embedded.url();
    } catch (Exception ex) {
      throw new IllegalStateException("No PostgreSQL for the tests: set TEST_DATABASE_URL (see .ci/postgres.sh), "
          + "start Docker, or run the tests as a non-root user. " + ex.getMessage(), ex);
    }
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable notAvailable) {
      return false;
    }
  }
}
