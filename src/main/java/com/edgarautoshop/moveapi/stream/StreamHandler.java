package com.edgarautoshop.moveapi.stream;

import com.edgarautoshop.moveapi.web.Requests;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.ZoneId;

/**
 * {@code GET /api/admin/appointments/stream?date=}: Server-Sent Events of one board date. Each
 * connection is a local event-bus consumer plus a heartbeat timer, both on the verticle's event
 * loop, and both removed when the connection closes.
 */
public final class StreamHandler {
  public static final String PATH = "/api/admin/appointments/stream";

  private final Vertx vertx;
  private final ZoneId shopZone;
  private final long heartbeatMs;
  private final StreamSubscribers subscribers;

  public StreamHandler(Vertx vertx, ZoneId shopZone, Duration heartbeat, StreamSubscribers subscribers) {
    this.vertx = vertx;
    this.shopZone = shopZone;
    this.heartbeatMs = heartbeat.toMillis();
    this.subscribers = subscribers;
  }

  public void handle(RoutingContext ctx) {
    String date = Requests.date(ctx, shopZone).toString();
    HttpServerResponse response = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        // Proxies such as nginx would otherwise hold events back in their buffers.
        .putHeader("X-Accel-Buffering", "no");
    subscribers.opened();
    // Sends the headers at once, so the client knows it is subscribed before any event.
    response.write(": subscribed " + date + "\n\n");
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(AppointmentEvents.ADDRESS, message -> {
      JsonObject event = message.body();
      if (date.equals(event.getString("date"))) {
        send(response, "event: " + event.getString("type") + "\ndata: " + event.getString("data") + "\n\n");
      }
    });
    long heartbeat = vertx.setPeriodic(heartbeatMs, id -> send(response, ": ping\n\n"));
    response.closeHandler(closed -> {
      consumer.unregister();
      vertx.cancelTimer(heartbeat);
      subscribers.closed();
    });
    // A graceful shutdown waits for open requests; a stream never ends by itself, so end it (the page reconnects elsewhere).
    ctx.request().connection().shutdownHandler(shutdown -> response.end());
  }

  /**
   * Backpressure: the write queue is bounded by the server's high-water mark on top of the socket
   * buffers. A client that lets it fill is too slow or stuck; it is closed rather than buffered
   * for, and its page reconnects and refetches the board.
   */
  private static void send(HttpServerResponse response, String frame) {
    if (response.closed() || response.ended()) {
      return;
    }
    if (response.writeQueueFull()) {
      // On HTTP/1.1 a reset closes the connection; on HTTP/2 it cancels just this stream.
      response.reset();
      return;
    }
    response.write(frame);
  }
}
