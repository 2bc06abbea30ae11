package com.edgarautoshop.moveapi.db;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** The PostgreSQL failure classes the service tells apart; the one place that knows SQLSTATEs. */
public final class PgErrors {
  private PgErrors() {}

  /** Deadlock (40P01) or serialization failure (40001): the transaction may succeed if run again. */
  public static boolean isRetryable(Throwable failure) {
    String state = sqlState(failure);
    return state.equals("40P01") || state.equals("40001");
  }

  /**
   * The database did not answer in time, is going away, or cannot be reached: statement or lock
   * timeout (57014, 55P03), connection exceptions (08*), operator intervention (57P*), and the
   * client-side failures of a refused, closed or saturated connection.
   */
  public static boolean isUnavailable(Throwable failure) {
    if (failure instanceof PgException) {
      String state = sqlState(failure);
      return state.equals("57014") || state.equals("55P03") || state.startsWith("08") || state.startsWith("57P");
    }
    // IOException covers a refused connection and one reset under a request (a crashed or restarted server).
    return failure instanceof IOException || failure instanceof TimeoutException
        || failure instanceof HttpClosedException || failure instanceof ConnectTimeoutException
        || failure instanceof ClosedConnectionException
        || (failure instanceof VertxException && isConnectionProblem(failure.getMessage()));
  }

  /**
   * The connection went away under a request already sent (closed, or reset as when PostgreSQL
   * crashes or restarts): whatever it did may have happened.
   */
  public static boolean isConnectionLost(Throwable failure) {
    return failure instanceof ClosedConnectionException
        || (failure instanceof IOException && !(failure instanceof ConnectException))
        || (failure instanceof VertxException && failure.getMessage() != null && failure.getMessage().toLowerCase(Locale.ROOT).contains("closed"));
  }

  private static String sqlState(Throwable failure) {
    return failure instanceof PgException pg && pg.getSqlState() != null ? pg.getSqlState() : "";
  }

  /** The pool reports saturation and lost connections as plain VertxExceptions; only their text tells. */
  private static boolean isConnectionProblem(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("timeout") || m.contains("connection") || m.contains("closed") || m.contains("wait queue") || m.contains("pool");
  }
}
