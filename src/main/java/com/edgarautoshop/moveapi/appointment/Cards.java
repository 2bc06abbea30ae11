package com.edgarautoshop.moveapi.appointment;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** The card's columns and their JSON rendering (ids as strings, UTC timestamps, money as numbers). */
public final class Cards {
  public static final String COLUMNS = """
      a.id, a.customer_id, a.vehicle_id, a.appt_start, a.appt_end, a.status, a.position, a.version,
      a.check_in_at, a.check_out_at, a.tech_id, a.total_amount, a.paid_amount, a.notes, a.updated_at,
      c.name AS customer_name, c.phone AS customer_phone, v.make, v.model, v.year""";
  public static final String FROM = "appointments a JOIN customers c ON c.id = a.customer_id JOIN vehicles v ON v.id = a.vehicle_id";

  private Cards() {}

  public static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("id", String.valueOf(row.getLong("id")))
        .put("customer_id", String.valueOf(row.getLong("customer_id")))
        .put("vehicle_id", String.valueOf(row.getLong("vehicle_id")))
        .put("appt_start", timestamp(row.getOffsetDateTime("appt_start")))
        .put("appt_end", timestamp(row.getOffsetDateTime("appt_end")))
        .put("status", row.getString("status"))
        .put("position", row.getInteger("position"))
        .put("version", row.getInteger("version"))
        .put("check_in_at", timestamp(row.getOffsetDateTime("check_in_at")))
        .put("check_out_at", timestamp(row.getOffsetDateTime("check_out_at")))
        .put("tech_id", row.getString("tech_id"))
        .put("total_amount", money(row.getBigDecimal("total_amount")))
        .put("paid_amount", money(row.getBigDecimal("paid_amount")))
        .put("notes", row.getString("notes"))
        .put("customer_name", row.getString("customer_name"))
        .put("customer_phone", row.getString("customer_phone"))
        .put("make", row.getString("make"))
        .put("model", row.getString("model"))
        .put("year", row.getInteger("year"))
        .put("updated_at", timestamp(row.getOffsetDateTime("updated_at")));
  }

  /** ISO-8601 UTC with seconds always present, e.g. 2026-11-24T09:00:00Z. */
  public static String timestamp(OffsetDateTime value) {
    return value == null ? null : value.toInstant().toString();
  }

  /** 120.50 → 120.5, 100.00 → 100 (never 1E+2). */
  public static BigDecimal money(BigDecimal value) {
    if (value == null) {
      return BigDecimal.ZERO;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }
}
