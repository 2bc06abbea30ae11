package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.web.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** A validated create request. Server-owned fields (status, version, check-in/out) are never read. */
public record NewAppointment(
    OffsetDateTime apptStart,
    OffsetDateTime apptEnd,
    Long customerId,
    JsonObject customer,
    Long vehicleId,
    JsonObject vehicle,
    String notes,
    BigDecimal totalAmount,
    BigDecimal paidAmount,
    String techId) {

  private static final BigDecimal MAX_MONEY = new BigDecimal("9999999999.99");

  public static NewAppointment parse(JsonObject body) {
    Problems problems = new Problems();
    OffsetDateTime start = problems.timestamp(body, "appt_start");
    OffsetDateTime end = problems.timestamp(body, "appt_end");
    if (start != null && end != null && !end.isAfter(start)) {
      problems.add("appt_end", "must be after appt_start");
    }
    Long customerId = problems.id(body, "customer_id");
    JsonObject customer = null;
    if (body.getValue("customer_id") == null) {
      customer = problems.object(body, "customer", "customer_id or customer");
      if (customer != null) {
        problems.text(customer, "customer.name", "name", true, 200);
        problems.text(customer, "customer.phone", "phone", false, 50);
        problems.text(customer, "customer.email", "email", false, 200);
      }
    }
    Long vehicleId = problems.id(body, "vehicle_id");
    JsonObject vehicle = null;
    if (body.getValue("vehicle_id") == null) {
      vehicle = problems.object(body, "vehicle", "vehicle_id or vehicle");
      if (vehicle != null) {
        problems.text(vehicle, "vehicle.make", "make", true, 100);
        problems.text(vehicle, "vehicle.model", "model", true, 100);
        problems.text(vehicle, "vehicle.vin", "vin", false, 32);
        problems.text(vehicle, "vehicle.license_plate", "license_plate", false, 32);
        Object year = vehicle.getValue("year");
        if (year != null && !(year instanceof Integer y && y >= 1886 && y <= 2100)) {
          problems.add("vehicle.year", "must be an integer between 1886 and 2100");
        }
      }
    }
    String notes = problems.text(body, "notes", "notes", false, 4000);
    String techId = problems.text(body, "tech_id", "tech_id", false, 100);
    BigDecimal total = problems.money(body, "total_amount");
    BigDecimal paid = problems.money(body, "paid_amount");
    problems.throwIfAny();
    return new NewAppointment(start, end, customerId, customer, vehicleId, vehicle, notes, total, paid, techId);
  }

  /** Collects every field problem so the client sees them all at once. */
  private static final class Problems {
    private final JsonArray details = new JsonArray();

    void add(String field, String message) {
      details.add(new JsonObject().put("field", field).put("message", message));
    }

    void throwIfAny() {
      if (!details.isEmpty()) {
        throw ApiError.validation(details);
      }
    }

    OffsetDateTime timestamp(JsonObject body, String field) {
      Object value = body.getValue(field);
      if (!(value instanceof String text)) {
        add(field, "is required and must be an ISO-8601 timestamp with offset, e.g. 2026-11-24T09:00:00Z");
        return null;
      }
      try {
        Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        if (instant.isBefore(Instant.parse("1970-01-01T00:00:00Z")) || instant.isAfter(Instant.parse("9999-12-31T00:00:00Z"))) {
          throw new DateTimeParseException("out of range", text, 0);
        }
        return instant.atOffset(ZoneOffset.UTC);
      } catch (DateTimeParseException ex) {
        add(field, "must be an ISO-8601 timestamp with offset, e.g. 2026-11-24T09:00:00Z");
        return null;
      }
    }

    Long id(JsonObject body, String field) {
      Object value = body.getValue(field);
      if (value == null) {
        return null;
      }
      String text = value instanceof String s ? s : value instanceof Integer || value instanceof Long ? value.toString() : "";
      if (!text.matches("[1-9][0-9]{0,17}")) {
        add(field, "must be a positive id such as \"42\"");
        return null;
      }
      return Long.parseLong(text);
    }

    JsonObject object(JsonObject body, String field, String what) {
      Object value = body.getValue(field);
      if (value instanceof JsonObject object) {
        return object;
      }
      add(field, what + " is required" + (value == null ? "" : "; " + field + " must be an object"));
      return null;
    }

    String text(JsonObject body, String field, String key, boolean required, int maxLength) {
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
      return text;
    }

    BigDecimal money(JsonObject body, String field) {
      Object value = body.getValue(field);
      if (value == null) {
        return BigDecimal.ZERO;
      }
      if (!(value instanceof Number number)) {
        add(field, "must be a number");
        return null;
      }
      BigDecimal amount = new BigDecimal(number.toString());
      if (amount.signum() < 0 || amount.compareTo(MAX_MONEY) > 0 || amount.stripTrailingZeros().scale() > 2) {
        add(field, "must be between 0 and " + MAX_MONEY + " with at most two decimals");
        return null;
      }
      return amount;
    }
  }
}
