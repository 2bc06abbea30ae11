package com.edgarautoshop.moveapi.stream;

import com.edgarautoshop.moveapi.appointment.Cards;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;

/**
 * The readers' SQL over the event log (the history table, sql/V2__event_log.sql). Rows are read
 * in (txid, id) order and only below the watermark, the oldest transaction id still running in
 * the cluster: every row under it is final, so a reader that walks upwards from its cursor never
 * skips a transaction that commits late and never sees one that may still roll back.
 */
public final class EventLog {
  /** Replays longer than this many log rows (of every date) are answered with a resync instead. */
  static final int MAX_REPLAY_ROWS = 10_000;
  private static final String WATERMARK = "(SELECT pg_snapshot_xmin(pg_current_snapshot()))";
  private static final String HEAD_SQL = "SELECT " + WATERMARK + "::text AS head";
  /*
   * The card after *that* change: its mutable fields from the event row, the rest (which no route
   * changes) from the card. Card columns first, as Cards reads them by position; the event's own
   * columns have names of their own, as a name is looked up by its first column.
   */
  private static final String COLUMNS = Cards.columnsWith(Map.of(
      "status", "e.to_status", "position", "e.position", "version", "e.to_version",
      "check_in_at", "e.check_in_at", "check_out_at", "e.check_out_at", "updated_at", "e.at"))
      + ", e.kind AS event_kind, e.txid::text AS event_txid, e.id AS event_id, e.appointment_id AS event_card,"
      + " e.appt_start AS event_start, 1000 * extract(epoch FROM clock_timestamp() - e.at)::float8 AS event_age_ms";
  private static final String FROM = " FROM appointment_moves e LEFT JOIN appointments a ON a.id = e.appointment_id"
      + " LEFT JOIN customers c ON c.id = a.customer_id LEFT JOIN vehicles v ON v.id = a.vehicle_id";
  private static final String AFTER = " WHERE (e.txid, e.id) > ($1::text::xid8, $2) AND e.txid < " + WATERMARK;
  /*
   * The live read also says whether committed events wait above the watermark (an older
   * transaction is still running): the reader then looks again soon rather than at the next poll.
   * One row of nulls stands for "no events".
   */
  private static final String LIVE_SQL = "WITH w AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)"
      + " SELECT x.*, EXISTS (SELECT 1 FROM appointment_moves p WHERE p.txid >= w.xmin) AS event_pending"
      + " FROM w LEFT JOIN LATERAL (SELECT " + COLUMNS + FROM
      + " WHERE (e.txid, e.id) > ($1::text::xid8, $2) AND e.txid < w.xmin ORDER BY e.txid, e.id LIMIT $3) x ON true";
  private static final String REPLAY_SQL = "SELECT " + COLUMNS + FROM + AFTER
      + " AND e.appt_start >= $3 AND e.appt_start < $4 ORDER BY e.txid, e.id LIMIT $5";
  /** Whether a client's position can be replayed: not beyond the head, its gap not older than the window nor too long. */
  private static final String GAP_SQL = """
      SELECT %s::text AS head,
             (SELECT e.at FROM appointment_moves e WHERE (e.txid, e.id) > ($1::text::xid8, $2)
              ORDER BY e.txid, e.id LIMIT 1) < now() - make_interval(secs => $3) AS too_old,
             (SELECT count(*) FROM (SELECT FROM appointment_moves e WHERE (e.txid, e.id) > ($1::text::xid8, $2) LIMIT $4) r) AS rows
      """.formatted(WATERMARK);
  private static final JsonFactory JSON = new JsonFactory();

  /** A live read: the next final events, and whether committed ones wait behind an older running transaction. */
  record Batch(List<StreamEvent> events, boolean pending) {}

  /** What a reconnecting client gets: the events of its date it missed, in order, or the reason it must refetch the board instead. */
  sealed interface Replay {
    record Events(List<StreamEvent> events) implements Replay {}

    record Resync(String reason) implements Replay {}
  }

  private final ZoneId shopZone;

  public EventLog(ZoneId shopZone) {
    this.shopZone = shopZone;
  }

  /** The place just before every event not yet final: where a reader without a place starts. */
  Future<Cursor> head(SqlClient client) {
    return client.query(HEAD_SQL).execute().map(rows -> Cursor.before(Long.parseLong(rows.iterator().next().getString("head"))));
  }

  /** The next final events after {@code cursor}, of every date; {@code age} hears each one's age in ms (since its transaction started). */
  Future<Batch> after(SqlClient client, Cursor cursor, int limit, DoubleConsumer age) {
    return client.preparedQuery(LIVE_SQL).execute(Tuple.of(String.valueOf(cursor.txid()), cursor.id(), (long) limit))
        .map(rows -> new Batch(events(rows, age), rows.iterator().next().getBoolean("event_pending")));
  }

  /** The events of the day [from, to) after {@code cursor}, if the gap is within {@code window} and {@link #MAX_REPLAY_ROWS}. */
  Future<Replay> replay(SqlClient client, Cursor cursor, OffsetDateTime from, OffsetDateTime to, Duration window) {
    String txid = String.valueOf(cursor.txid());
    return client.preparedQuery(GAP_SQL).execute(Tuple.of(txid, cursor.id(), window.toMillis() / 1000.0, MAX_REPLAY_ROWS + 1L))
        .compose(rows -> {
          Row gap = rows.iterator().next();
          if (cursor.txid() > Long.parseLong(gap.getString("head"))) {
            return Future.succeededFuture(new Replay.Resync("unknown_event_id"));
          }
          if (Boolean.TRUE.equals(gap.getBoolean("too_old"))) {
            return Future.succeededFuture(new Replay.Resync("gap_too_old"));
          }
          if (gap.getLong("rows") > MAX_REPLAY_ROWS) {
            return Future.succeededFuture(new Replay.Resync("gap_too_large"));
          }
          return client.preparedQuery(REPLAY_SQL).execute(Tuple.of(txid, cursor.id(), from, to, (long) MAX_REPLAY_ROWS))
              .map(events -> new Replay.Events(events(events, age -> { })));
        });
  }

  private List<StreamEvent> events(RowSet<Row> rows, DoubleConsumer age) {
    List<StreamEvent> events = new ArrayList<>(rows.size());
    for (Row row : rows) {
      String kind = row.getString("event_kind");
      if (kind == null) {
        continue;
      }
      boolean deleted = kind.equals("deleted");
      // A card and its history go in one statement, so a created or moved row always has its card; guard anyway.
      if (!deleted && row.getLong(0) == null) {
        continue;
      }
      String data = deleted ? new JsonObject().put("id", String.valueOf(row.getLong("event_card"))).encode() : card(row);
      String date = row.getOffsetDateTime("event_start").atZoneSameInstant(shopZone).toLocalDate().toString();
      events.add(StreamEvent.logged(new Cursor(Long.parseLong(row.getString("event_txid")), row.getLong("event_id")), date,
          "appointment." + kind, data));
      age.accept(row.getDouble("event_age_ms"));
    }
    return events;
  }

  private static String card(Row row) {
    StringWriter text = new StringWriter(1024);
    try (JsonGenerator json = JSON.createGenerator(text)) {
      Cards.write(json, row);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return text.toString();
  }
}
