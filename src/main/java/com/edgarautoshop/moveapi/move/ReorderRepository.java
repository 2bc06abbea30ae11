package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.db.Deadline;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The reorder's SQL: place a card after another of its column (status and day) and renumber that
 * column's positions 0 … n−1. The card gets a new version and a history row; every other card
 * whose position changes gets a 'positioned' event (sql/V3__positioned_events.sql).
 */
public final class ReorderRepository {
  /** Which column the card is in: its status, and its day in the shop's zone (computed here, not by PostgreSQL). */
  private static final String COLUMN_SQL = "SELECT status, appt_start FROM appointments WHERE id = $1";
  /*
   * One statement, so it is atomic on its own. `locked` locks the column's cards and the card
   * itself in id order (FOR UPDATE re-reads each row's latest version and drops the ones that left
   * the column meanwhile), so reorders of one column queue on the same first row and never
   * deadlock; a move locks one row only. The new order is the board's order (position, appt_start,
   * id) with the card taken out and put back right after $5 (or first); only rows whose position
   * changes are written.
   *
   * `late`: a row about to be written whose last writer got its transaction id after this
   * statement got its own (at its first row lock) while this statement waited for the row. Its
   * events would be read before that writer's (readers walk the log in transaction id order,
   * docs/decisions.md "The stream"), the newer state before the older. The statement then writes
   * nothing and the attempt is retried once, with a new, higher transaction id. age(xmin) is
   * negative exactly for such a writer; it is called only once a row is locked, so it compares
   * with this transaction's own id.
   *
   * `stamp` is read after every lock: each card's updated_at therefore grows with every change,
   * and a board can tell an old 'positioned' event (same version) from a new one.
   */
  static final String REORDER_SQL = """
      WITH locked AS (
        SELECT id, status, version, position, appt_start, xmin AS written_by FROM appointments
        WHERE id = $1 OR (status = $2 AND appt_start >= $3 AND appt_start < $4)
        ORDER BY id FOR UPDATE
      ), card AS (
        SELECT status, version FROM locked WHERE id = $1
      ), others AS (
        SELECT id, row_number() OVER (ORDER BY position, appt_start, id) AS rank FROM locked WHERE id <> $1
      ), valid AS (
        SELECT card.version = $6 AND $5::bigint IS DISTINCT FROM $1
               AND ($5::bigint IS NULL OR EXISTS (SELECT FROM others WHERE id = $5::bigint)) AS ok
        FROM card
      ), renumbered AS (
        SELECT id, (row_number() OVER (ORDER BY slot) - 1)::int AS position FROM (
          SELECT id, rank * 2 AS slot FROM others
          UNION ALL
          SELECT $1, COALESCE((SELECT rank FROM others WHERE id = $5::bigint), 0) * 2 + 1
        ) placed
      ), changes AS (
        SELECT r.id, r.position, l.written_by FROM renumbered r JOIN locked l ON l.id = r.id JOIN valid ON valid.ok
        WHERE r.id = $1 OR r.position <> l.position
      ), late AS (
        SELECT EXISTS (SELECT FROM changes WHERE age(written_by) < 0) AS overtaken
      ), stamp AS (
        SELECT clock_timestamp() AS at FROM late
      ), updated AS (
        UPDATE appointments a SET
          position = c.position,
          version = CASE WHEN a.id = $1 THEN a.version + 1 ELSE a.version END,
          updated_at = stamp.at
        FROM changes c, stamp, late
        WHERE a.id = c.id AND NOT late.overtaken
        RETURNING a.id, a.status, a.position, a.version, a.updated_at, a.check_in_at, a.check_out_at, a.appt_start
      ), events AS (
        INSERT INTO appointment_moves (appointment_id, kind, from_status, to_status, from_version, to_version,
                                       position, check_in_at, check_out_at, at, appt_start, actor, request_id)
        SELECT id, CASE WHEN id = $1 THEN 'moved' ELSE 'positioned' END,
               CASE WHEN id = $1 THEN status END, status, CASE WHEN id = $1 THEN version - 1 END, version,
               position, check_in_at, check_out_at, updated_at, appt_start, $7, $8 FROM updated
      )
      SELECT card.status AS current_status, card.version AS current_version, late.overtaken,
             u.id, u.status, u.status AS previous_status, u.position, u.version, u.updated_at, u.check_in_at, u.check_out_at
      FROM card CROSS JOIN late LEFT JOIN updated u ON u.id = $1
      """;

  private final Pool pool;
  private final ZoneId shopZone;

  public ReorderRepository(Pool pool, ZoneId shopZone) {
    this.pool = pool;
    this.shopZone = shopZone;
  }

  /** The whole unit, pool wait included, ends by the request's deadline ({@link Deadline}). */
  public Future<MoveResult> reorder(ReorderCommand command, Deadline deadline) {
    return IdempotencyKeys.run(pool, deadline, command, conn -> reorderOn(conn, command));
  }

  /**
   * Two statements: which column, then the reorder itself. The second decides everything from its
   * own locked rows; the first only names the rows to lock (a card moved away in between has a new
   * version, so the answer is 409 all the same).
   */
  private Future<MoveResult> reorderOn(SqlClient client, ReorderCommand command) {
    return client.preparedQuery(COLUMN_SQL).execute(Tuple.of(command.appointmentId())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new MoveResult.NotFound(command.appointmentId()));
      }
      Row card = rows.iterator().next();
      LocalDate day = card.getOffsetDateTime("appt_start").atZoneSameInstant(shopZone).toLocalDate();
      Tuple params = Tuple.of(command.appointmentId(), card.getString("status"),
          day.atStartOfDay(shopZone).toOffsetDateTime(), day.plusDays(1).atStartOfDay(shopZone).toOffsetDateTime(),
          command.afterId().isPresent() ? command.afterId().getAsLong() : null,
          command.expectedVersion(), command.actor(), command.requestId());
      return client.preparedQuery(REORDER_SQL).execute(params).compose(result -> classify(command, card.getString("status"), result));
    });
  }

  private static Future<MoveResult> classify(ReorderCommand command, String column, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Future.succeededFuture(new MoveResult.NotFound(command.appointmentId()));
    }
    Row row = rows.iterator().next();
    if (row.getBoolean("overtaken")) {
      return Future.failedFuture(new DeadlockRetry.OutOfOrder("the reorder waited for a row written by a later transaction"));
    }
    if (row.getLong("id") != null) {
      return Future.succeededFuture(new MoveResult.Moved(MoveRepository.movedData(row)));
    }
    int currentVersion = row.getInteger("current_version");
    if (currentVersion != command.expectedVersion()) {
      return Future.succeededFuture(new MoveResult.Conflict(command.appointmentId(), command.expectedVersion(), currentVersion,
          row.getString("current_status")));
    }
    long afterId = command.afterId().getAsLong();
    return Future.succeededFuture(new MoveResult.InvalidAnchor(afterId, column, afterId == command.appointmentId()));
  }
}
