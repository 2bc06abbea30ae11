package com.edgarautoshop.moveapi.appointment;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.stream.Collectors;

/** The card's columns and their JSON rendering (ids as strings, UTC timestamps, money as numbers). */
public final class Cards {
  private enum Kind { ID, TEXT, INT, TIMESTAMP, MONEY }

  private record Column(String sql, String key, Kind kind) {}

  /*
   * The one list behind both the SELECT list and the rendering. Values are read by position: the
   * board renders a thousand cards per request, and a lookup by name scans the column names for
   * every field of every row (it was the top entry of the board's profile).
   */
  private static final List<Column> CARD = List.of(
      new Column("a.id", "id", Kind.ID),
      new Column("a.customer_id", "customer_id", Kind.ID),
      new Column("a.vehicle_id", "vehicle_id", Kind.ID),
      new Column("a.appt_start", "appt_start", Kind.TIMESTAMP),
      new Column("a.appt_end", "appt_end", Kind.TIMESTAMP),
      new Column("a.status", "status", Kind.TEXT),
      new Column("a.position", "position", Kind.INT),
      new Column("a.version", "version", Kind.INT),
      new Column("a.check_in_at", "check_in_at", Kind.TIMESTAMP),
      new Column("a.check_out_at", "check_out_at", Kind.TIMESTAMP),
      new Column("a.tech_id", "tech_id", Kind.TEXT),
      new Column("a.total_amount", "total_amount", Kind.MONEY),
      new Column("a.paid_amount", "paid_amount", Kind.MONEY),
      new Column("a.notes", "notes", Kind.TEXT),
      new Column("c.name", "customer_name", Kind.TEXT),
      new Column("c.phone", "customer_phone", Kind.TEXT),
      new Column("v.make", "make", Kind.TEXT),
      new Column("v.model", "model", Kind.TEXT),
      new Column("v.year", "year", Kind.INT),
      new Column("a.updated_at", "updated_at", Kind.TIMESTAMP));

  /** The card's SELECT list; a query may add columns after it, never before. */
  public static final String COLUMNS = CARD.stream().map(Column::sql).collect(Collectors.joining(", "));
  public static final String FROM = "appointments a JOIN customers c ON c.id = a.customer_id JOIN vehicles v ON v.id = a.vehicle_id";

  private Cards() {}

  /** The card of a row whose first columns are {@link #COLUMNS}. */
  public static JsonObject toJson(Row row) {
    JsonObject card = new JsonObject();
    for (int i = 0; i < CARD.size(); i++) {
      Column column = CARD.get(i);
      card.put(column.key(), switch (column.kind()) {
        case ID -> String.valueOf(row.getLong(i));
        case TEXT -> row.getString(i);
        case INT -> row.getInteger(i);
        case TIMESTAMP -> timestamp(row.getOffsetDateTime(i));
        case MONEY -> money(row.getBigDecimal(i));
      });
    }
    return card;
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
