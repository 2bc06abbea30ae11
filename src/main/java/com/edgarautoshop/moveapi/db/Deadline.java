package com.edgarautoshop.moveapi.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;

/**
 * A request's database work, pool wait included, bounded by the request's deadline, so that a
 * timed-out write is rolled back rather than committed after the client gave up:
 *
 * <ul>
 *   <li>work still waiting for a connection at the deadline never starts (503, nothing changed);
 *   <li>a statement still running at the deadline is cancelled (PostgreSQL rolls it back), and a
 *       transaction is rolled back instead of committed;
 *   <li>only when the database does not answer (a lost connection, or a COMMIT already on its way)
 *       is the outcome unknown: {@link OutcomeUnknown}, or, when nothing came back by the HTTP
 *       timeout, {@link #workSent()}: both answer 504.
 * </ul>
 *
 * One per request, used on the request's event loop only.
 */
public final class Deadline {
  /** The work did not start, or was rolled back, because the deadline passed: nothing changed. */
  public static final class Expired extends RuntimeException {
    Expired(String message) {
      super(message, null, false, false);
    }
  }

  /** The database may or may not have applied the work: its connection was lost after the work (or its COMMIT) was sent. */
  public static final class OutcomeUnknown extends RuntimeException {
    OutcomeUnknown(Throwable cause) {
      super("the connection was lost after the work was sent", cause, false, false);
    }
  }

  private final Vertx vertx;
  private final long dueNanos;
  private boolean sent;
  private boolean expired;
  private boolean committing;

  /** Database work must be answered by {@code dueNanos} ({@link System#nanoTime()}). */
  public Deadline(Vertx vertx, long dueNanos) {
    this.vertx = vertx;
    this.dueNanos = dueNanos;
  }

  /** Whether any statement of this request reached the wire, so that it may have taken effect. */
  public boolean workSent() {
    return sent;
  }

  public <T> Future<T> withConnection(Pool pool, Function<SqlConnection, Future<T>> work) {
    return run(pool, work, false);
  }

  public <T> Future<T> withTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return run(pool, work, true);
  }

  private <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work, boolean transaction) {
    long remainingMs = (dueNanos - System.nanoTime()) / 1_000_000;
    if (remainingMs <= 0) {
      return Future.failedFuture(notStarted());
    }
    Promise<T> result = Promise.promise();
    SqlConnection[] running = new SqlConnection[1];
    long timer = vertx.setTimer(remainingMs, id -> {
      expired = true;
      if (running[0] == null) {
        result.tryFail(notStarted());
      } else {
        PgConnection.cast(running[0]).cancelRequest();
      }
    });
    pool.getConnection().onComplete(acquired -> {
      if (acquired.failed()) {
        vertx.cancelTimer(timer);
        result.tryFail(acquired.cause());
        return;
      }
      SqlConnection conn = acquired.result();
      if (expired) {
        conn.close();
        return;
      }
      running[0] = conn;
      sent = true;
      Future<T> unit;
      try {
        unit = transaction ? inTransaction(conn, work) : work.apply(conn);
      } catch (RuntimeException bug) {
        unit = Future.failedFuture(bug);
      }
      unit.onComplete(done -> {
        vertx.cancelTimer(timer);
        conn.close();
        if (done.succeeded()) {
          result.tryComplete(done.result());
        } else if (PgErrors.isConnectionLost(done.cause()) && (!transaction || committing)) {
          // A statement outside a transaction, or a COMMIT, may have taken effect before the connection went.
          result.tryFail(new OutcomeUnknown(done.cause()));
        } else {
          result.tryFail(done.cause());
        }
      });
    });
    return result.future();
  }

  /** Like Pool.withTransaction, but a deadline that passed during the work turns the COMMIT into a ROLLBACK. */
  private <T> Future<T> inTransaction(SqlConnection conn, Function<SqlConnection, Future<T>> work) {
    return conn.begin().compose(tx -> work.apply(conn).compose(
        value -> expired
            ? tx.rollback().transform(ignored -> Future.failedFuture(timedOut()))
            : commit(tx).map(value),
        failure -> tx.rollback().transform(ignored -> Future.failedFuture(failure))));
  }

  private Future<Void> commit(Transaction tx) {
    committing = true;
    return tx.commit();
  }

  private static Expired notStarted() {
    return new Expired("The database did not take the request in time; nothing was changed.");
  }

  private static Expired timedOut() {
    return new Expired("The request did not finish in time and was rolled back; nothing was changed.");
  }
}
