package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.db.Deadline;
import com.edgarautoshop.moveapi.web.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Idempotency-Key machinery of the move and the reorder: inside the write's transaction, claim
 * the key, replay a stored answer of the same request, or run the write and record its 200.
 */
final class IdempotencyKeys {
  private static final String CLAIM_KEY_SQL = "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS claimed";
  private static final String STORED_ANSWER_SQL =
      "SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE key = $1";
  private static final String STORE_ANSWER_SQL =
      "INSERT INTO idempotency_keys (key, request_hash, status_code, response_body) VALUES ($1, $2, $3, $4)";
  private static final String EXPIRE_KEYS_SQL =
      "DELETE FROM idempotency_keys WHERE created_at < now() - interval '48 hours'";

  private IdempotencyKeys() {}

  /**
   * The key as stored: scoped to the actor, so that another user sending the same key and request
   * gets an answer of their own, never this actor's. The length prefix keeps the pair unambiguous.
   */
  static String scoped(String actor, String key) {
    return actor.length() + ":" + actor + ":" + key;
  }

  /** What "the same request" is compared by: SHA-256 of its canonical form. */
  static String hash(String canonical) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is part of every JRE", ex);
    }
  }

  /**
   * The write's unit of work within the request's deadline: without a key, {@code write} on a
   * connection; with one, in a transaction, once per key ({@link #once}).
   */
  static Future<MoveResult> run(Pool pool, Deadline deadline, KeyedWrite command, Function<SqlClient, Future<MoveResult>> write) {
    Optional<String> key = command.scopedIdempotencyKey();
    if (key.isEmpty()) {
      return deadline.withConnection(pool, write::apply);
    }
    return deadline.withTransaction(pool, conn -> once(conn, key.get(), command.requestHash(), write));
  }

  static ApiError reused() {
    return new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request.");
  }

  /** Whether an answer is recorded under {@code key} (scoped): a request naming no card then reuses it. */
  static Future<Boolean> isRecorded(Pool pool, String key) {
    return pool.preparedQuery(STORED_ANSWER_SQL).execute(Tuple.of(key)).map(rows -> rows.size() > 0);
  }

  /** Runs {@code write} once for {@code key}, on a connection inside a transaction. */
  private static Future<MoveResult> once(SqlClient conn, String key, String requestHash, Function<SqlClient, Future<MoveResult>> write) {
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
        if (!row.getString("request_hash").equals(requestHash)) {
          return Future.failedFuture(reused());
        }
        return Future.succeededFuture(new MoveResult.Replayed(row.getInteger("status_code"), row.getString("response_body")));
      }
      return write.apply(conn).compose(result -> {
        // Only a change is recorded: a 404, 409 or 422 changed nothing, and must not block the key.
        if (!(result instanceof MoveResult.Moved)) {
          return Future.succeededFuture(result);
        }
        MoveAnswers.Answer answer = MoveAnswers.of(result);
        return conn.preparedQuery(STORE_ANSWER_SQL)
            .execute(Tuple.of(key, requestHash, answer.status(), answer.body().encode()))
            .map(result);
      });
    });
  }

  /** Keys are kept at least 24 h (48 h in fact); called periodically. */
  static Future<Integer> expire(Pool pool) {
    return pool.query(EXPIRE_KEYS_SQL).execute().map(RowSet::rowCount);
  }
}
