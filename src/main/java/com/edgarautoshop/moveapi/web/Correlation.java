package com.edgarautoshop.moveapi.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Correlation id, version and browser security headers on every response, and one JSON access-log line per request. */
public final class Correlation {
  public static final String KEY = "correlationId";
  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** The board page loads only its own files, runs no inline script or style, and may not be framed. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'";

  private Correlation() {}

  public static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  public static void handle(RoutingContext ctx, String appVersion) {
    String id = pick(ctx.request().getHeader("X-Correlation-Id"), ctx.request().getHeader("X-Request-Id"));
    ctx.put(KEY, id);
    long startNanos = System.nanoTime();
    ctx.response()
        .putHeader("X-Correlation-Id", id)
        .putHeader("X-App-Version", appVersion)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-store");
    ctx.addEndHandler(done -> ACCESS.info(new JsonObject()
        .put("type", "access")
        .put("method", ctx.request().method().name())
        .put("path", ctx.request().path())
        .put("status", ctx.response().getStatusCode())
        .put("duration_ms", (System.nanoTime() - startNanos) / 1_000_000.0)
        .put("correlation_id", id)
        .encode()));
    ctx.next();
  }

  static String pick(String correlationId, String requestId) {
    if (correlationId != null && SANE_ID.matcher(correlationId).matches()) {
      return correlationId;
    }
    if (requestId != null && SANE_ID.matcher(requestId).matches()) {
      return requestId;
    }
    return UUID.randomUUID().toString();
  }
}
