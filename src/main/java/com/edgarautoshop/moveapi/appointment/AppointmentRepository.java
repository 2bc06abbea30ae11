package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.db.Deadline;
import com.edgarautoshop.moveapi.web.Validation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Appointment SQL: create (with a new customer and vehicle if asked), read one card, delete it, read its history. */
public final class AppointmentRepository {
  private static final String CARD_SQL = "SELECT " + Cards.COLUMNS + " FROM " + Cards.FROM + " WHERE a.id = $1";
  private static final String INSERT_CUSTOMER_SQL = "INSERT INTO customers (name, phone, email) VALUES ($1, $2, $3) RETURNING id";
  private static final String INSERT_VEHICLE_SQL =
      "INSERT INTO vehicles (customer_id, make, model, year, vin, license_plate) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
  private static final String CUSTOMER_EXISTS_SQL = "SELECT 1 FROM customers WHERE id = $1";
  private static final String VEHICLE_EXISTS_SQL = "SELECT 1 FROM vehicles WHERE id = $1";
  /** The card and its 'created' event (the board's log, see sql/V2__event_log.sql) in one statement. */
  private static final String INSERT_APPOINTMENT_SQL = """
      WITH created AS (
        INSERT INTO appointments (customer_id, vehicle_id, appt_start, appt_end, notes, total_amount, paid_amount, tech_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, status, version, position, updated_at, appt_start
      ), event AS (
        INSERT INTO appointment_moves (appointment_id, kind, to_status, to_version, position, at, appt_start, actor, request_id)
        SELECT id, 'created', status, version, position, updated_at, appt_start, $9, $10 FROM created
      )
      SELECT id FROM created
      """;
  /*
   * A card goes with its history, and its customer and vehicle when no other card uses them, so a
   * load test's seeded cards leave nothing behind; a 'deleted' event takes the history's place for
   * live boards (the sibling CTEs share one snapshot, so the history DELETE cannot see it). The
   * card is locked first, like a move does, so that a delete waiting for a move gets its
   * transaction id after that move's (MoveRepository). Foreign keys are checked at the end of the
   * statement, when every row that referenced the card is gone too.
   */
  private static final String DELETE_SQL = """
      WITH locked AS (
        SELECT id FROM appointments WHERE id = $1 FOR UPDATE
      ), gone AS (
        DELETE FROM appointments a USING locked WHERE a.id = locked.id RETURNING a.id, a.customer_id, a.vehicle_id, a.appt_start
      ), history AS (
        DELETE FROM appointment_moves m USING gone WHERE m.appointment_id = gone.id
      ), event AS (
        INSERT INTO appointment_moves (appointment_id, kind, appt_start, actor, request_id)
        SELECT id, 'deleted', appt_start, $2, $3 FROM gone
      ), vehicle AS (
        DELETE FROM vehicles v USING gone WHERE v.id = gone.vehicle_id
          AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.vehicle_id = v.id AND a.id <> gone.id)
        RETURNING v.id
      ), customer AS (
        DELETE FROM customers c USING gone WHERE c.id = gone.customer_id
          AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.customer_id = c.id AND a.id <> gone.id)
          AND NOT EXISTS (SELECT 1 FROM vehicles v WHERE v.customer_id = c.id AND v.id NOT IN (SELECT id FROM vehicle))
      )
      SELECT id FROM gone
      """;
  /** One page of moves (creations and deletions are events of the same table), newest first: moves older than the cursor ($2, a move id; null for the first page), one more than asked to tell whether more follow. */
  private static final String HISTORY_SQL = """
      SELECT m.id, m.from_status, m.to_status, m.from_version, m.to_version, m.at, m.actor, m.request_id
      FROM appointments a LEFT JOIN appointment_moves m ON m.appointment_id = a.id AND m.kind = 'moved' AND ($2::bigint IS NULL OR m.id < $2)
      WHERE a.id = $1 ORDER BY m.id DESC LIMIT $3
      """;

  private final Pool pool;

  public AppointmentRepository(Pool pool) {
    this.pool = pool;
  }

  /** Creates the card; {@code actor} and {@code requestId} go into its 'created' event, as a move's do. */
  public Future<JsonObject> create(NewAppointment appointment, String actor, String requestId, Deadline deadline) {
    return deadline.withTransaction(pool, conn -> customerId(conn, appointment)
        .compose(customerId -> vehicleId(conn, appointment, customerId)
            .compose(vehicleId -> conn.preparedQuery(INSERT_APPOINTMENT_SQL).execute(Tuple.from(new Object[] {
                customerId, vehicleId, appointment.apptStart(), appointment.apptEnd(), appointment.notes(),
                appointment.totalAmount(), appointment.paidAmount(), appointment.techId(), actor, requestId}))))
        .compose(inserted -> conn.preparedQuery(CARD_SQL).execute(Tuple.of(returnedId(inserted))))
        .map(rows -> Cards.toJson(rows.iterator().next())));
  }

  public Future<Optional<JsonObject>> find(long id) {
    return pool.preparedQuery(CARD_SQL).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Cards.toJson(rows.iterator().next())));
  }

  /** False when there was no such appointment. */
  public Future<Boolean> delete(long id, String actor, String requestId, Deadline deadline) {
    return deadline.withConnection(pool, conn -> conn.preparedQuery(DELETE_SQL).execute(Tuple.of(id, actor, requestId))).map(rows -> rows.size() == 1);
  }

  /**
   * Empty when the appointment does not exist; otherwise {@code {items, next_cursor}}: up to
   * {@code limit} moves older than {@code before} (null: the newest), newest first, and the cursor of
   * the next page, null on the last one.
   */
  public Future<Optional<JsonObject>> history(long id, Long before, int limit) {
    return pool.preparedQuery(HISTORY_SQL).execute(Tuple.of(id, before, limit + 1)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      JsonArray items = new JsonArray();
      Long lastId = null;
      boolean more = false;
      for (Row row : rows) {
        if (items.size() == limit) {
          more = true;
        } else if (row.getString("to_status") != null) {
          lastId = row.getLong("id");
          items.add(new JsonObject()
              .put("from_status", row.getString("from_status"))
              .put("to_status", row.getString("to_status"))
              .put("from_version", row.getInteger("from_version"))
              .put("to_version", row.getInteger("to_version"))
              .put("at", Cards.timestamp(row.getOffsetDateTime("at")))
              .put("actor", row.getString("actor"))
              .put("request_id", row.getString("request_id")));
        }
      }
      return Optional.of(new JsonObject().put("items", items).put("next_cursor", more ? String.valueOf(lastId) : null));
    });
  }

  private static Future<Long> customerId(SqlConnection conn, NewAppointment appointment) {
    if (appointment.customerId() != null) {
      return requireExisting(conn, CUSTOMER_EXISTS_SQL, appointment.customerId(), "customer_id");
    }
    JsonObject c = appointment.customer();
    return conn.preparedQuery(INSERT_CUSTOMER_SQL)
        .execute(Tuple.of(c.getString("name"), c.getString("phone"), c.getString("email")))
        .map(AppointmentRepository::returnedId);
  }

  private static Future<Long> vehicleId(SqlConnection conn, NewAppointment appointment, long customerId) {
    if (appointment.vehicleId() != null) {
      return requireExisting(conn, VEHICLE_EXISTS_SQL, appointment.vehicleId(), "vehicle_id");
    }
    JsonObject v = appointment.vehicle();
    return conn.preparedQuery(INSERT_VEHICLE_SQL)
        .execute(Tuple.of(customerId, v.getString("make"), v.getString("model"), v.getInteger("year"),
            v.getString("vin"), v.getString("license_plate")))
        .map(AppointmentRepository::returnedId);
  }

  private static Future<Long> requireExisting(SqlConnection conn, String sql, long id, String field) {
    return conn.preparedQuery(sql).execute(Tuple.of(id)).compose(rows -> rows.size() == 1
        ? Future.succeededFuture(id)
        : Future.failedFuture(Validation.error(field, "no such " + field.replace("_id", "") + " '" + id + "'")));
  }

  private static long returnedId(RowSet<Row> rows) {
    return rows.iterator().next().getLong("id");
  }
}
