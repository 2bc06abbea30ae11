package com.edgarautoshop.moveapi.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * A trigger that makes PostgreSQL itself raise the given SQLSTATE when a marked request writes its
 * history row ("always", or only on the "first" attempt). Attempts are counted with a sequence,
 * which a rollback does not undo.
 */
public final class FailingHistoryInsert implements AutoCloseable {
  private final String suffix = Long.toString(System.nanoTime());
  private final String marker = "fail-" + suffix;

  public FailingHistoryInsert(String sqlState, String when) throws Exception {
    String condition = when.equals("first") ? "n = 1" : "true";
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement()) {
      sql.execute("CREATE SEQUENCE attempts_" + suffix);
      sql.execute("CREATE FUNCTION fail_" + suffix + "() RETURNS trigger LANGUAGE plpgsql AS $$ "
          + "DECLARE n bigint; BEGIN "
          + "IF NEW.request_id = '" + marker + "' THEN n := nextval('attempts_" + suffix + "'); "
          + "IF " + condition + " THEN RAISE EXCEPTION 'injected' USING ERRCODE = '" + sqlState + "'; END IF; END IF; "
          + "RETURN NEW; END $$");
      sql.execute("CREATE TRIGGER fail_" + suffix + " BEFORE INSERT ON appointment_moves FOR EACH ROW EXECUTE FUNCTION fail_" + suffix + "()");
    }
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
      sql.execute("DROP TRIGGER fail_" + suffix + " ON appointment_moves");
      sql.execute("DROP FUNCTION fail_" + suffix + "()");
      sql.execute("DROP SEQUENCE attempts_" + suffix);
    }
  }
}
