package com.edgarautoshop.moveapi.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes a connection whose next request's headers are not complete within the bound, counted from
 * the connection's start or the end of its previous response. An idle timeout cannot do this: a
 * client that sends a header byte now and then (slowloris) is never idle. One instance per event
 * loop (per HTTP verticle), so its map needs no locking.
 */
public final class HeaderTimeout {
  private final Vertx vertx;
  private final long boundMs;
  /** Connections waiting for headers → their timer. */
  private final Map<HttpConnection, Long> waiting = new HashMap<>();

  public HeaderTimeout(Vertx vertx, long boundMs) {
    this.vertx = vertx;
    this.boundMs = boundMs;
  }

  /** A new connection: its first headers are due; its timer goes when it closes. */
  public void connected(HttpConnection connection) {
    connection.closeHandler(closed -> headersArrived(connection));
    awaitHeaders(connection);
  }

  /** A connection whose response has ended: its next headers are due. */
  public void awaitHeaders(HttpConnection connection) {
    waiting.computeIfAbsent(connection, c -> vertx.setTimer(boundMs, id -> {
      waiting.remove(c);
      c.close();
    }));
  }

  /** The headers of a request arrived (Vert.x calls the request handler once they are parsed). */
  public void headersArrived(HttpConnection connection) {
    Long timer = waiting.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
