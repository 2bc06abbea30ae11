package com.edgarautoshop.moveapi.web;

import com.edgarautoshop.moveapi.db.Deadline;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reading ids, dates and JSON bodies the same strict way on every route. */
public final class Requests {
  public static final int MAX_BODY_BYTES = 16 * 1024;
  private static final Pattern POSITIVE_BIGINT = Pattern.compile("[1-9][0-9]{0,18}");
  private static final Pattern CALENDAR_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final String DEADLINE_KEY = "deadline";

  private Requests() {}

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

  /** Set by the router on every route with a request timeout. */
  public static void setDeadline(RoutingContext ctx, Deadline deadline) {
    ctx.put(DEADLINE_KEY, deadline);
  }

  /** The request's deadline for database work; null on the stream, which has no request timeout. */
  public static Deadline deadline(RoutingContext ctx) {
    return ctx.get(DEADLINE_KEY);
  }

  /** The one id rule: a positive bigint written in decimal without sign or leading zeros, below 2⁶³. */
  public static OptionalLong id(String raw) {
    if (raw == null || !POSITIVE_BIGINT.matcher(raw).matches()) {
      return OptionalLong.empty();
    }
    BigInteger value = new BigInteger(raw);
    return value.bitLength() < 64 ? OptionalLong.of(value.longValue()) : OptionalLong.empty();
  }

  /** The {@code date} query parameter (YYYY-MM-DD), or today in the shop's zone when absent. */
  public static LocalDate date(RoutingContext ctx, ZoneId shopZone) {
    String raw = ctx.queryParams().get("date");
    if (raw == null || raw.isEmpty()) {
      return LocalDate.now(shopZone);
    }
    try {
      if (!CALENDAR_DATE.matcher(raw).matches()) {
        throw new DateTimeParseException("not YYYY-MM-DD", raw, 0);
      }
      return LocalDate.parse(raw, DateTimeFormatter.ISO_LOCAL_DATE);
    } catch (DateTimeParseException ex) {
      throw Validation.error("date", "must be a calendar date written YYYY-MM-DD");
    }
  }
}
