package com.edgarautoshop.moveapi.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.OptionalLong;

/**
 * The one validator of request fields: typed reads that collect every problem, so the client sees
 * them all at once in one 400 {@code validation_error} with {@code details: [{field, message}]}.
 */
public final class Validation {
  private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

  private final JsonArray details = new JsonArray();

  /** A 400 for one field, for checks that are not part of a body. */
  public static ApiError error(String field, String message) {
    Validation validation = new Validation();
    validation.add(field, message);
    return validation.toError();
  }

  public void add(String field, String message) {
    details.add(new JsonObject().put("field", field).put("message", message));
  }

  public void throwIfAny() {
    if (!details.isEmpty()) {
      throw toError();
    }
  }

  private ApiError toError() {
    return new ApiError(400, "validation_error", "The request is not valid.", new JsonObject().put("details", details));
  }

  /** A string of at most {@code maxLength} characters (non-blank if required), without NUL, which PostgreSQL cannot store, and whole Unicode. */
  public String text(JsonObject body, String field, String key, boolean required, int maxLength) {
    Object value = body.getValue(key);
    if (value == null) {
      if (required) {
        add(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String text) || (required && text.isBlank()) || text.length() > maxLength) {
      add(field, "must be a " + (required ? "non-empty " : "") + "string of at most " + maxLength + " characters");
      return null;
    }
    if (text.indexOf('\u0000') >= 0) {
      add(field, "must not contain NUL characters");
      return null;
    }
    if (hasUnpairedSurrogate(text)) {
      // JSON can escape half of a UTF-16 pair (\ud800); stored as UTF-8 it would silently become '?'.
      add(field, "must be valid Unicode text");
      return null;
    }
    return text;
  }

  private static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** One of {@code allowed}, required. */
  public String oneOf(JsonObject body, String field, List<String> allowed) {
    Object value = body.getValue(field);
    if (!(value instanceof String text)) {
      add(field, "is required and must be a string");
      return null;
    }
    if (!allowed.contains(text)) {
      add(field, "must be one of " + String.join(", ", allowed));
      return null;
    }
    return text;
  }

  /** A JSON integer written without fraction or exponent, {@code min} … 2³¹−1. */
  public Integer integer(JsonObject body, String field, int min, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        add(field, "is required");
      }
      return null;
    }
    // Jackson yields Integer/Long/BigInteger only for numbers written without fraction or exponent.
    if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
      add(field, "must be an integer written without fraction or exponent");
      return null;
    }
    BigInteger number = new BigInteger(value.toString());
    if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      add(field, "must be between " + min + " and " + Integer.MAX_VALUE);
      return null;
    }
    return number.intValue();
  }

  /** An optional query parameter: a decimal integer {@code min} … {@code max}, {@code fallback} when absent. */
  public int queryInteger(RoutingContext ctx, String name, int min, int max, int fallback) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return fallback;
    }
    if (raw.matches("[0-9]{1,9}")) {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    }
    add(name, "must be an integer between " + min + " and " + max);
    return fallback;
  }

  /** An optional query parameter under {@link Requests#id}'s rule (a cursor); null when absent. */
  public Long queryId(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return null;
    }
    OptionalLong id = Requests.id(raw);
    if (id.isEmpty()) {
      add(name, "must be a next_cursor value from an earlier page");
      return null;
    }
    return id.getAsLong();
  }

  /** An optional id, as a string ("42") or an integer, under {@link Requests#id}'s rule. */
  public Long id(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    String text = value instanceof String || value instanceof Integer || value instanceof Long ? value.toString() : "";
    OptionalLong id = Requests.id(text);
    if (id.isEmpty()) {
      add(field, "must be a positive id such as \"42\"");
      return null;
    }
    return id.getAsLong();
  }

  /** A key that must be present, holding an id under {@link #id}'s rule or null; null when it is null or missing. */
  public Long idOrNull(JsonObject body, String field) {
    if (!body.containsKey(field)) {
      add(field, "is required: an id such as \"42\", or null");
      return null;
    }
    return id(body, field);
  }

  /** A required ISO-8601 timestamp with offset, normalised to UTC. */
  public OffsetDateTime timestamp(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String text)) {
      add(field, "is required and must be an ISO-8601 timestamp with offset, e.g. 2026-11-24T09:00:00Z");
      return null;
    }
    try {
      Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
        throw new DateTimeParseException("out of range", text, 0);
      }
      return instant.atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException ex) {
      add(field, "must be an ISO-8601 timestamp with offset, e.g. 2026-11-24T09:00:00Z");
      return null;
    }
  }

  /** A required JSON object; {@code what} names the alternatives in the message. */
  public JsonObject object(JsonObject body, String field, String what) {
    Object value = body.getValue(field);
    if (value instanceof JsonObject object) {
      return object;
    }
    add(field, what + " is required" + (value == null ? "" : "; " + field + " must be an object"));
    return null;
  }

  /** An optional amount 0 … {@code max} with at most two decimals; absent is zero. */
  public BigDecimal money(JsonObject body, String field, BigDecimal max) {
    Object value = body.getValue(field);
    if (value == null) {
      return BigDecimal.ZERO;
    }
    if (!(value instanceof Number number)) {
      add(field, "must be a number");
      return null;
    }
    BigDecimal amount = new BigDecimal(number.toString());
    if (amount.signum() < 0 || amount.compareTo(max) > 0 || amount.stripTrailingZeros().scale() > 2) {
      add(field, "must be between 0 and " + max + " with at most two decimals");
      return null;
    }
    return amount;
  }
}
