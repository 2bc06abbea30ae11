package com.edgarautoshop.moveapi.web;

import com.edgarautoshop.moveapi.db.Deadline;
import com.edgarautoshop.moveapi.db.PgErrors;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that writes the contract's envelope, for successes and for every failure. */
public final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  static final String RETRY_AFTER_SECONDS = "1";
  /*
   * Jackson's streaming generator rather than JsonObject.encode(): with jackson-databind on the
   * class path (Flyway brings it) encode() goes through databind's map serializer, about a fifth
   * of the JVM's samples when rendering a large board. The bytes are the same.
   */
  private static final JacksonCodec JSON = new JacksonCodec();
  private static final JsonFactory STREAMING = new JsonFactory();

  private Responses() {}

  public static Future<Void> ok(RoutingContext ctx, JsonObject data) {
    return sendBody(ctx, 200, okBody(data));
  }

  public static Future<Void> created(RoutingContext ctx, JsonObject data) {
    return sendBody(ctx, 201, okBody(data));
  }

  public static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    return sendBody(ctx, status, JSON.toBuffer(body, false));
  }

  /** The success envelope around {@code data}, encoded; safe on any thread, so large bodies can be built off the event loop. */
  public static Buffer okBody(JsonObject data) {
    return JSON.toBuffer(new JsonObject().put("ok", true).put("data", data), false);
  }

  /** Writes a body's data straight to a JSON generator, for bodies too large to build as objects first. */
  @FunctionalInterface
  public interface DataWriter {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * The success envelope around data that {@code data} writes, encoded into one buffer without an
   * intermediate object tree (the board's thousand cards); safe on any thread, like {@link #okBody(JsonObject)}.
   */
  public static Buffer okBody(DataWriter data) {
    Buffer body = Buffer.buffer(64 * 1024);
    try (JsonGenerator json = STREAMING.createGenerator(new OutputStream() {
      @Override
      public void write(int b) {
        body.appendByte((byte) b);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        body.appendBytes(bytes, offset, length);
      }
    })) {
      json.writeStartObject();
      json.writeBooleanField("ok", true);
      json.writeFieldName("data");
      data.write(json);
      json.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return body;
  }

  /** Sends an envelope already encoded (by {@link #okBody} or {@link #send}). */
  public static Future<Void> sendBody(RoutingContext ctx, int status, Buffer body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    if (status == 503) {
      response.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    return response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
  }

  /** Sends the failure as an envelope; used by handlers' onFailure and the router's failure handler. */
  public static void fail(RoutingContext ctx, Throwable failure) {
    ApiError error = toApiError(failure);
    // An ApiError is a deliberate answer. A 500 is unexpected and worth its stack trace; a 503/504 is
    // one of the database's known failures (a full pool, a timeout, a lost connection), which come by
    // the thousand under overload: one line with the cause, not a 9 KB stack trace each.
    if (error.status() == 500 && !(failure instanceof ApiError)) {
      LOG.warn("request failed: {} {} -> {}", ctx.request().method(), ctx.request().path(), error.code(), failure);
    } else if (error.status() > 500 && !(failure instanceof ApiError)) {
      LOG.warn("request failed: {} {} -> {} ({})", ctx.request().method(), ctx.request().path(), error.code(), failure.toString());
    }
    send(ctx, error.status(), error.body());
  }

  /**
   * Requests Vert.x could not decode (a malformed request line or header, or one too long) get the
   * envelope too, then the connection closes, as Vert.x's default handler does.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error = cause instanceof TooLongHttpLineException
        ? new ApiError(414, "uri_too_long", "The request line is too long.")
        : cause instanceof TooLongHttpHeaderException
            ? new ApiError(431, "headers_too_large", "The request headers are too large.")
            : new ApiError(400, "invalid_request", "The request is not valid HTTP.");
    request.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(JSON.toBuffer(error.body(), false))
        .onComplete(ended -> request.connection().close());
  }

  /** Maps anything thrown on a request path to a contract error without leaking driver text. */
  public static ApiError toApiError(Throwable failure) {
    if (failure instanceof ApiError apiError) {
      return apiError;
    }
    if (failure instanceof Deadline.Expired expired) {
      return ApiError.unavailable(expired.getMessage());
    }
    if (failure instanceof Deadline.OutcomeUnknown) {
      return ApiError.outcomeUnknown();
    }
    if (PgErrors.isUnavailable(failure) || PgErrors.isRetryable(failure)) {
      return ApiError.unavailable("The database is unavailable or busy; retry shortly.");
    }
    return new ApiError(500, "internal_error", failure instanceof PgException
        ? "An unexpected database error occurred." : "An unexpected error occurred.");
  }
}
