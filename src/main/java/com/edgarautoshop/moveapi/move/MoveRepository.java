package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.appointment.Cards;
import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.db.Deadline;
import com.edgarautoshop.moveapi.web.ApiError;
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

  private static final String CLAIM_KEY_SQL = "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS claimed";
  private static final String STORED_ANSWER_SQL =
      "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE key = $1";
  private static final String STORE_ANSWER_SQL =
      "INSERT INTO idempotency_keys (key, request_hash, status_code, response_body) VALUES ($1, $2, $3, $4)";
  private static final String EXPIRE_KEYS_SQL =
      "DELETE FROM idempotency_keys WHERE created_at < now() - interval '48 hours'";

  private final Pool pool;

  public MoveRepository(Pool pool) {
    this.pool = pool;
  }

  /** The whole unit, pool wait included, ends by the request's deadline ({@link Deadline}). */
  public Future<MoveResult> move(MoveCommand command, Deadline deadline) {
    if (command.idempotencyKey().isEmpty()) {
      return deadline.withConnection(pool, conn -> moveOn(conn, command));
    }
    return deadline.withTransaction(pool, conn -> moveOnceForKey(conn, command, command.scopedIdempotencyKey().get()));
  }

  /** Keys are kept at least 24 h (48 h in fact); called periodically. */
  public Future<Integer> expireIdempotencyKeys() {
    return pool.query(EXPIRE_KEYS_SQL).execute().map(RowSet::rowCount);
  }

  private Future<MoveResult> moveOnceForKey(SqlClient conn, MoveCommand command, String key) {
    return conn.preparedQuery(CLAIM_KEY_SQL).execute(Tuple.of(key)).compose(claim -> {
      if (!claim.iterator().next().getBoolean("claimed")) {
        return Future.failedFuture(new ApiError(409, "idempotency_key_in_use",
            "A request with this Idempotency-Key is still being processed; retry shortly."));
      }
      // A new statement, so its snapshot sees whatever the key's previous holder committed.
      return conn.preparedQuery(STORED_ANSWER_SQL).execute(Tuple.of(key));
    }).compose(stored -> {
      if (stored.size() > 0) {
        Row row = stored.iterator().next();
        if (!row.getString("request_hash").equals(command.requestHash())) {
          return Future.failedFuture(new ApiError(422, "idempotency_key_reused",
              "This Idempotency-Key was already used for a different request."));
        }
        return Future.succeededFuture(new MoveResult.Replayed(row.getInteger("status_code"), row.getString("response_body")));
      }
      return moveOn(conn, command).compose(result -> {
        // Only a move is recorded: a 404, 409 or 422 changed nothing, and must not block the key.
        if (!(result instanceof MoveResult.Moved)) {
          return Future.succeededFuture(result);
        }
        MoveAnswers.Answer answer = MoveAnswers.of(result);
        return conn.preparedQuery(STORE_ANSWER_SQL)
            .execute(Tuple.of(key, command.requestHash(), answer.status(), answer.body().encode()))
            .map(result);
      });
    });
  }

  private static Future<MoveResult> moveOn(SqlClient client, MoveCommand command) {
    String[] sources = Workflow.sourcesOf(command.newStatus()).toArray(new String[0]);
    Tuple params = Tuple.of(command.appointmentId(), command.expectedVersion(), command.newStatus(), command.position(),
        sources, command.actor(), command.requestId());
    return client.preparedQuery(MOVE_SQL).execute(params).map(rows -> classify(command, rows));
  }

  private static MoveResult classify(MoveCommand command, RowSet<Row> rows) {
    if (rows.size() == 0) {
      return new MoveResult.NotFound(command.appointmentId());
    }
    Row row = rows.iterator().next();
    if (row.getLong("id") != null) {
      return new MoveResult.Moved(new JsonObject()
          .put("appointment_id", String.valueOf(row.getLong("id")))
          .put("status", row.getString("status"))
          .put("previous_status", row.getString("previous_status"))
          .put("position", row.getInteger("position"))
          .put("version", row.getInteger("version"))
          .put("updated_at", Cards.timestamp(row.getOffsetDateTime("updated_at")))
          .put("check_in_at", Cards.timestamp(row.getOffsetDateTime("check_in_at")))
          .put("check_out_at", Cards.timestamp(row.getOffsetDateTime("check_out_at"))));
    }
    int currentVersion = row.getInteger("current_version");
    String currentStatus = row.getString("current_status");
    if (currentVersion != command.expectedVersion()) {
      return new MoveResult.Conflict(command.appointmentId(), command.expectedVersion(), currentVersion, currentStatus);
    }
    return new MoveResult.InvalidTransition(currentStatus, command.newStatus(), Workflow.allowedFrom(currentStatus));
  }
}
