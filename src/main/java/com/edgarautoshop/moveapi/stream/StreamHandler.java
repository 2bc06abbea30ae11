package com.edgarautoshop.moveapi.stream;

import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.config.AppConfig.StreamSettings;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code GET /api/admin/appointments/stream?date=}: Server-Sent Events of one board date, each
 * with an {@code id:} the client may send back as {@code Last-Event-ID} to get what it missed.
 * A stream ends by itself when its token expires or its lifetime is up ({@code close}), so a
 * revoked or expired token never keeps reading.
 */
public final class StreamHandler {
  public static final String PATH = "/api/admin/appointments/stream";
  /** Seconds a refused client should wait: streams close as pages go, and a load balancer may pick another instance. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final Vertx vertx;
  private final ZoneId shopZone;
  private final long heartbeatMs;
  private final long jwtLeewayMs;
  private final StreamSettings settings;
  private final StreamHub hub;
  private final EventLog log;
  private final SqlClient pool;
  private final StreamMetrics metrics;

  public StreamHandler(Vertx vertx, ZoneId shopZone, Duration heartbeat, int jwtLeewaySeconds, StreamSettings settings,
      StreamHub hub, EventLog log, SqlClient pool, StreamMetrics metrics) {
    this.vertx = vertx;
    this.shopZone = shopZone;
    this.heartbeatMs = heartbeat.toMillis();
    this.jwtLeewayMs = jwtLeewaySeconds * 1000L;
    this.settings = settings;
    this.hub = hub;
    this.log = log;
    this.pool = pool;
    this.metrics = metrics;
  }

  public void handle(RoutingContext ctx) {
    LocalDate date = Requests.date(ctx, shopZone);
    HttpServerResponse response = ctx.response();
    StreamConnection stream = new StreamConnection(response, vertx.getOrCreateContext(), date.toString(), Authenticator.actor(ctx), metrics);
    String refusal = hub.admit(stream);
    if (refusal != null) {
      metrics.refused();
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
      Responses.fail(ctx, new ApiError(429, "too_many_streams", refusal));
      return;
    }
    response.closeHandler(closed -> finished(stream));
    response.endHandler(ended -> finished(stream));
    opening(stream, date, Optional.ofNullable(ctx.request().getHeader("Last-Event-ID")))
        .onSuccess(opening -> {
          if (response.closed()) {
            return;
          }
          response.setChunked(true)
              .putHeader("Content-Type", "text/event-stream; charset=utf-8")
              .putHeader("Cache-Control", "no-cache")
              // Proxies such as nginx would otherwise hold events back in their buffers.
              .putHeader("X-Accel-Buffering", "no");
          // Sends the headers at once, so the client knows it is subscribed before any event.
          response.write(": subscribed " + date + "\n\n");
          stream.open(opening.frames(), opening.resumeAfter());
          keepAlive(ctx, stream, Authenticator.expiresAt(ctx));
        })
        .onFailure(failure -> {
          finished(stream);
          Responses.fail(ctx, failure);
        });
  }

  /** What the stream starts with: nothing, the events the client missed, or a resync; and the last event id the client already has. */
  private record Opening(List<StreamEvent> frames, Cursor resumeAfter) {}

  private Future<Opening> opening(StreamConnection stream, LocalDate date, Optional<String> lastEventId) {
    Cursor start = stream.start();
    // Without a position (the reader has not read yet) the reader's first read resyncs every stream.
    if (lastEventId.isEmpty() || start == null) {
      return Future.succeededFuture(new Opening(List.of(), null));
    }
    Optional<Cursor> from = Cursor.parse(lastEventId.get());
    if (from.isEmpty()) {
      return Future.succeededFuture(new Opening(List.of(StreamEvent.resync(start, "unknown_event_id")), null));
    }
    return log.replay(pool, from.get(), date.atStartOfDay(shopZone).toOffsetDateTime(),
            date.plusDays(1).atStartOfDay(shopZone).toOffsetDateTime(), settings.replayWindow())
        .map(replay -> replay instanceof EventLog.Replay.Events events
            ? new Opening(events.events(), from.get())
            : new Opening(List.of(StreamEvent.resync(start, ((EventLog.Replay.Resync) replay).reason())), null));
  }

  /** Heartbeats, and the stream's end: at its token's or session's expiry (plus the JWT leeway) or its lifetime, whichever comes first. */
  private void keepAlive(RoutingContext ctx, StreamConnection stream, Optional<Instant> credentialExpiry) {
    long heartbeat = vertx.setPeriodic(heartbeatMs, id -> stream.ping());
    // Up to a tenth shorter, so that streams opened together (after a deploy) do not all reconnect together.
    long lifetimeMs = (long) (settings.maxLifetime().toMillis() * (1 - ThreadLocalRandom.current().nextDouble(0.1)));
    long expiresInMs = credentialExpiry.map(at -> at.toEpochMilli() + jwtLeewayMs - System.currentTimeMillis()).orElse(Long.MAX_VALUE);
    String reason = expiresInMs <= lifetimeMs ? "token_expired" : "max_lifetime";
    long end = vertx.setTimer(Math.max(1, Math.min(expiresInMs, lifetimeMs)), id -> stream.close(reason));
    stream.timers(heartbeat, end);
    // A graceful shutdown waits for open requests; a stream never ends by itself, so end it (the page reconnects elsewhere).
    ctx.request().connection().shutdownHandler(shutdown -> stream.close("shutdown"));
  }

  private void finished(StreamConnection stream) {
    stream.ended();
    hub.remove(stream);
  }
}
