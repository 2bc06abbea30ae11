package com.edgarautoshop.moveapi.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A trigger that makes PostgreSQL itself misbehave when a marked request writes its history row:
 * raise a given SQLSTATE ({@link #failing}), or hold the move's connection a while ({@link #sleeping}).
 * Attempts are counted with a sequence, which a rollback does not undo.
 */
public final class HistoryInsertTrigger implements AutoCloseable {
  private final String suffix = Long.toString(System.nanoTime());
  private final String marker;

  private HistoryInsertTrigger(String marker, String matches, String action) throws Exception {
    this.marker = marker;
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement()) {
      sql.execute("CREATE SEQUENCE attempts_" + suffix);
      sql.execute("CREATE FUNCTION trigger_" + suffix + "() RETURNS trigger LANGUAGE plpgsql AS $$ "
          + "DECLARE n bigint; BEGIN "
          + "IF NEW.request_id " + matches + " THEN n := nextval('attempts_" + suffix + "'); " + action + " END IF; "
          + "RETURN NEW; END $$");
      sql.execute("CREATE TRIGGER trigger_" + suffix + " BEFORE INSERT ON appointment_moves FOR EACH ROW EXECUTE FUNCTION trigger_" + suffix + "()");
    }
  }

  /** The request whose X-Correlation-Id is {@link #marker()} fails with {@code sqlState}: "always", or only on the "first" attempt. */
  public static HistoryInsertTrigger failing(String sqlState, String when) throws Exception {
    String marker = "fail-" + System.nanoTime();
    String condition = when.equals("first") ? "n = 1" : "true";
    return new HistoryInsertTrigger(marker, "= '" + marker + "'",
        "IF " + condition + " THEN RAISE EXCEPTION 'injected' USING ERRCODE = '" + sqlState + "'; END IF;");
  }

  /** Every move whose X-Correlation-Id starts with {@code prefix} holds its connection {@code millis} longer before it commits. */
  public static HistoryInsertTrigger sleeping(String prefix, int millis) throws Exception {
    return new HistoryInsertTrigger(prefix, "LIKE '" + prefix + "%'", "PERFORM pg_sleep(" + millis / 1000.0 + ");");
  }

  public String marker() {
    return marker;
  }

  public long attempts() throws Exception {
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement();
         ResultSet rs = sql.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM attempts_" + suffix)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() throws Exception {
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement()) {
      sql.execute("DROP TRIGGER trigger_" + suffix + " ON appointment_moves");
      sql.execute("DROP FUNCTION trigger_" + suffix + "()");
      sql.execute("DROP SEQUENCE attempts_" + suffix);
    }
  }
}
