package com.edgarautoshop.moveapi.web;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reading path ids and JSON bodies the same strict way on every route. */
public final class RequestBodies {
  public static final int MAX_BODY_BYTES = 16 * 1024;
  private static final Pattern POSITIVE_BIGINT = Pattern.compile("[1-9][0-9]{0,18}");

  private RequestBodies() {}

  /** Runs before the body is read so that 415 takes precedence over 413. */
  public static void requireJsonContentType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase();
    if (!mime.equals("application/json") && !(mime.startsWith("application/") && mime.endsWith("+json"))) {
      ctx.fail(new ApiError(415, "unsupported_media_type", "The body must be sent as Content-Type: application/json."));
      return;
    }
    ctx.next();
  }

  public static JsonObject jsonObject(RoutingContext ctx) {
    Object value;
    try {
      value = ctx.body().buffer() == null ? null : Json.decodeValue(ctx.body().buffer());
    } catch (DecodeException ex) {
      throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new ApiError(400, "invalid_json", "The body must be a JSON object.");
  }

  /** Ids that are not positive bigints name no appointment, so they are 404 rather than 400. */
  public static OptionalLong pathId(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    if (raw == null || !POSITIVE_BIGINT.matcher(raw).matches()) {
      return OptionalLong.empty();
    }
    BigInteger value = new BigInteger(raw);
    return value.bitLength() < 64 ? OptionalLong.of(value.longValue()) : OptionalLong.empty();
  }

  public static long requirePathId(RoutingContext ctx) {
    return pathId(ctx).orElseThrow(() -> ApiError.notFound("No appointment with id '" + ctx.pathParam("id") + "'."));
  }

  /** An integer written without fraction or exponent (Jackson yields Integer/Long/BigInteger only for those). */
  public static boolean isWholeNumber(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
  }
}
