package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.appointment.Cards;
import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.db.Deadline;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The move's SQL. One statement decides and applies the move and writes its history row (the board's event); a keyed move that moved adds its idempotency record. */
public final class MoveRepository {
  /*
   * `cur` locks the card and reads its latest committed version (FOR UPDATE re-reads a row changed
   * since the snapshot), so the 404/409/422 classification and the update see the same row. The
   * conditional UPDATE is the arbiter; the history row, which is also the board's event (the
   * card's mutable fields after the move, appt_start for its board), rides in the same statement
   * and commits with it. The lock comes first on purpose: a row lock taken by SELECT … FOR UPDATE
   * assigns the transaction id only after any wait for the previous holder, while an UPDATE takes
   * it before waiting. So the moves of one card get increasing transaction ids in version order,
   * which is the order the stream's readers walk the log in (docs/decisions.md, "The stream").
   */
  static final String MOVE_SQL = """
      WITH cur AS (
        SELECT id, status, version FROM appointments WHERE id = $1 FOR UPDATE
      ), moved AS (
        UPDATE appointments a SET
          status = $3,
          position = $4,
          version = a.version + 1,
          updated_at = now(),
          check_in_at = CASE WHEN $3 = 'in_progress' THEN COALESCE(a.check_in_at, now())
                             WHEN $3 = 'scheduled' AND cur.status = 'in_progress' THEN NULL
                             ELSE a.check_in_at END,
          check_out_at = CASE WHEN $3 = 'completed' THEN now() ELSE a.check_out_at END
        FROM cur
        WHERE a.id = cur.id AND cur.version = $2 AND cur.status = ANY($5::text[])
        RETURNING a.id, a.status, cur.status AS previous_status, a.position, a.version,
                  a.updated_at, a.check_in_at, a.check_out_at, a.appt_start
      ), history AS (
        INSERT INTO appointment_moves (appointment_id, kind, from_status, to_status, from_version, to_version,
                                       position, check_in_at, check_out_at, at, appt_start, actor, request_id)
        SELECT id, 'moved', previous_status, status, version - 1, version,
               position, check_in_at, check_out_at, updated_at, appt_start, $6, $7 FROM moved
      )
      SELECT cur.status AS current_status, cur.version AS current_version, moved.*
      FROM cur LEFT JOIN moved ON true
      """;

  private final Pool pool;

  public MoveRepository(Pool pool) {
    this.pool = pool;
  }

  /** The whole unit, pool wait included, ends by the request's deadline ({@link Deadline}). */
  public Future<MoveResult> move(MoveCommand command, Deadline deadline) {
    return IdempotencyKeys.run(pool, deadline, command, conn -> moveOn(conn, command));
  }

  /** Whether {@code scopedKey} holds a recorded answer; see {@link IdempotencyKeys#isRecorded}. */
  public Future<Boolean> idempotencyKeyRecorded(String scopedKey) {
    return IdempotencyKeys.isRecorded(pool, scopedKey);
  }

  /** Keys are kept at least 24 h (48 h in fact); called periodically. */
  public Future<Integer> expireIdempotencyKeys() {
    return IdempotencyKeys.expire(pool);
  }

  private static Future<MoveResult> moveOn(SqlClient client, MoveCommand command) {
    String[] sources = Workflow.sourcesOf(command.newStatus()).toArray(new String[0]);
    Tuple params = Tuple.of(command.appointmentId(), command.expectedVersion(), command.newStatus(), command.position(),
        sources, command.actor(), command.requestId());
    return client.preparedQuery(MOVE_SQL).execute(params).map(rows -> classify(command, rows));
  }

  /** The 200 answer's data from a changed card's row (the move's and the reorder's). */
  static JsonObject movedData(Row row) {
    return new JsonObject()
        .put("appointment_id", String.valueOf(row.getLong("id")))
        .put("status", row.getString("status"))
        .put("previous_status", row.getString("previous_status"))
        .put("position", row.getInteger("position"))
        .put("version", row.getInteger("version"))
        .put("updated_at", Cards.timestamp(row.getOffsetDateTime("updated_at")))
        .put("check_in_at", Cards.timestamp(row.getOffsetDateTime("check_in_at")))
        .put("check_out_at", Cards.timestamp(row.getOffsetDateTime("check_out_at")));
  }

  private static MoveResult classify(MoveCommand command, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return new MoveResult.NotFound(command.appointmentId());
    }
    Row row = rows.iterator().next();
    if (row.getLong("id") != null) {
      return new MoveResult.Moved(movedData(row));
    }
    int currentVersion = row.getInteger("current_version");
    String currentStatus = row.getString("current_status");
    if (currentVersion != command.expectedVersion()) {
      return new MoveResult.Conflict(command.appointmentId(), command.expectedVersion(), currentVersion, currentStatus);
    }
    return new MoveResult.InvalidTransition(currentStatus, command.newStatus(), Workflow.allowedFrom(currentStatus));
  }
}
