package com.edgarautoshop.moveapi.appointment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The card's columns and their JSON rendering (ids as strings, UTC timestamps, money as numbers),
 * as a JSON object ({@link #toJson}) or written straight to a generator ({@link #write}, the
 * board's thousand cards): the same bytes either way.
 */
public final class Cards {
  private enum Kind { ID, TEXT, INT, TIMESTAMP, MONEY }

  private record Column(String sql, String key, Kind kind, SerializableString name) {
    Column(String sql, String key, Kind kind) {
      this(sql, key, kind, new SerializedString(key));
    }
  }

  /*
   * The one list behind the SELECT list and both renderings. Values are read by position: the
   * board renders a thousand cards per request, and a lookup by name scans the column names for
   * every field of every row. Money comes as text: decoding PostgreSQL's binary numeric was a
   * third of the board's row decoding.
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
      new Column("a.total_amount::text", "total_amount", Kind.MONEY),
      new Column("a.paid_amount::text", "paid_amount", Kind.MONEY),
      new Column("a.notes", "notes", Kind.TEXT),
      new Column("c.name", "customer_name", Kind.TEXT),
      new Column("c.phone", "customer_phone", Kind.TEXT),
      new Column("v.make", "make", Kind.TEXT),
      new Column("v.model", "model", Kind.TEXT),
      new Column("v.year", "year", Kind.INT),
      new Column("a.updated_at", "updated_at", Kind.TIMESTAMP));

  private static final int ID = position("id");
  private static final int STATUS = position("status");
  private static final int VERSION = position("version");

  /** The card's SELECT list; a query may add columns after it, never before. */
  public static final String COLUMNS = columnsWith(Map.of());
  public static final String FROM = "appointments a JOIN customers c ON c.id = a.customer_id JOIN vehicles v ON v.id = a.vehicle_id";

  private Cards() {}

  /** {@link #COLUMNS} with some fields taken from other expressions (by JSON key), e.g. an event row's state after its change. */
  public static String columnsWith(Map<String, String> sqlByKey) {
    return CARD.stream().map(c -> sqlByKey.getOrDefault(c.key(), c.sql())).collect(Collectors.joining(", "));
  }

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
        case MONEY -> new BigDecimal(moneyText(row.getString(i)));
      });
    }
    return card;
  }

  private static int position(String key) {
    return CARD.stream().map(Column::key).toList().indexOf(key);
  }

  /** The id, status and version of a row whose first columns are {@link #COLUMNS}, read by position. */
  public static long id(Row row) {
    return row.getLong(ID);
  }

  public static String status(Row row) {
    return row.getString(STATUS);
  }

  public static int version(Row row) {
    return row.getInteger(VERSION);
  }

  /** Writes the card of such a row as one JSON object, the bytes {@link #toJson} encodes to. */
  public static void write(JsonGenerator json, Row row) throws IOException {
    json.writeStartObject();
    for (int i = 0; i < CARD.size(); i++) {
      Column column = CARD.get(i);
      json.writeFieldName(column.name());
      switch (column.kind()) {
        case ID -> json.writeString(Long.toString(row.getLong(i)));
        case TEXT -> writeNullable(json, row.getString(i));
        case INT -> {
          Integer value = row.getInteger(i);
          if (value == null) {
            json.writeNull();
          } else {
            json.writeNumber(value);
          }
        }
        case TIMESTAMP -> writeNullable(json, timestamp(row.getOffsetDateTime(i)));
        case MONEY -> json.writeNumber(moneyText(row.getString(i)));
      }
    }
    json.writeEndObject();
  }

  private static void writeNullable(JsonGenerator json, String value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else {
      json.writeString(value);
    }
  }

  /**
   * ISO-8601 UTC with seconds always present, exactly as {@code Instant.toString()} writes it
   * (2026-11-24T09:00:00Z, 2026-11-24T09:00:00.120Z, 2026-11-24T09:00:00.123456Z), at a fraction
   * of its cost: a board has four timestamps per card.
   */
  public static String timestamp(OffsetDateTime value) {
    if (value == null) {
      return null;
    }
    OffsetDateTime utc = value.getOffset().equals(ZoneOffset.UTC) ? value : value.withOffsetSameInstant(ZoneOffset.UTC);
    int year = utc.getYear();
    if (year < 0 || year > 9999) {
      return utc.toInstant().toString();
    }
    char[] text = new char[30];
    int at = digits(text, 0, year, 4);
    text[at++] = '-';
    at = digits(text, at, utc.getMonthValue(), 2);
    text[at++] = '-';
    at = digits(text, at, utc.getDayOfMonth(), 2);
    text[at++] = 'T';
    at = digits(text, at, utc.getHour(), 2);
    text[at++] = ':';
    at = digits(text, at, utc.getMinute(), 2);
    text[at++] = ':';
    at = digits(text, at, utc.getSecond(), 2);
    int nanos = utc.getNano();
    if (nanos != 0) {
      text[at++] = '.';
      if (nanos % 1_000_000 == 0) {
        at = digits(text, at, nanos / 1_000_000, 3);
      } else if (nanos % 1000 == 0) {
        at = digits(text, at, nanos / 1000, 6);
      } else {
        at = digits(text, at, nanos, 9);
      }
    }
    text[at++] = 'Z';
    return new String(text, 0, at);
  }

  private static int digits(char[] text, int at, int value, int width) {
    for (int i = width - 1; i >= 0; i--) {
      text[at + i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  /** 120.50 → 120.5, 100.00 → 100 (never 1E+2). */
  public static BigDecimal money(BigDecimal value) {
    if (value == null) {
      return BigDecimal.ZERO;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  /** A numeric(12, 2) column as PostgreSQL writes it ("120.50") in the same form: "120.5", "100.00" → "100". */
  static String moneyText(String value) {
    if (value == null) {
      return "0";
    }
    int end = value.length();
    if (value.indexOf('.') >= 0) {
      while (value.charAt(end - 1) == '0') {
        end--;
      }
      if (value.charAt(end - 1) == '.') {
        end--;
      }
    }
    return value.substring(0, end);
  }
}
