package com.edgarautoshop.moveapi.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Board, stats, workflow, create, get, history and the router's 404/405, in a non-UTC shop. */
class BoardAndAppointmentsTest {
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("SHOP_TIME_ZONE", "America/Chicago"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static JsonObject create(String start, String end, double total, double paid) {
    Reply reply = api.post("/api/admin/appointments", new JsonObject()
        .put("appt_start", start).put("appt_end", end)
        .put("customer", new JsonObject().put("name", "Board Test"))
        .put("vehicle", new JsonObject().put("make", "Kia").put("model", "Rio"))
        .put("total_amount", total).put("paid_amount", paid).encode());
    assertThat(reply.status()).isEqualTo(201);
    return reply.data();
  }

  @Test
  void boardGroupsTheShopsLocalDayIntoFiveOrderedColumns() {
    LocalDate day = Api.freshDate();
    // Local times in Chicago, sent as UTC: the day's edges decide membership, whatever the DST offset.
    JsonObject late = create(utc(day, "23:30"), utc(day, "23:45"), 100, 0);
    JsonObject early = create(utc(day, "00:30"), utc(day, "01:00"), 80.25, 100);
    JsonObject tooEarly = create(utc(day.minusDays(1), "23:30"), utc(day.minusDays(1), "23:59"), 10, 0);
    JsonObject moving = create(utc(day, "09:00"), utc(day, "10:00"), 200, 50);
    assertThat(api.move(moving.getString("id"), "in_progress", 1).status()).isEqualTo(200);

    JsonObject board = api.get("/api/admin/appointments/board?date=" + day).data();
    assertThat(board.getString("date")).isEqualTo(day.toString());
    JsonObject columns = board.getJsonObject("columns");
    assertThat(columns.fieldNames()).containsExactlyInAnyOrder("scheduled", "in_progress", "ready", "completed", "no_show");
    JsonArray scheduled = columns.getJsonObject("scheduled").getJsonArray("items");
    assertThat(scheduled.stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactly(early.getString("id"), late.getString("id"));
    assertThat(columns.getJsonObject("in_progress").getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(moving.getString("id"));
    assertThat(columns.getJsonObject("ready").getJsonArray("items")).isEmpty();
    assertThat(scheduled.stream().map(c -> ((JsonObject) c).getString("id"))).doesNotContain(tooEarly.getString("id"));

    JsonObject stats = board.getJsonObject("stats");
    assertThat(stats.getInteger("jobsToday")).isEqualTo(3);
    assertThat(stats.getInteger("onPrem")).isEqualTo(1);
    assertThat(stats.getJsonObject("statusCounts").getInteger("scheduled")).isEqualTo(2);
    assertThat(stats.getJsonObject("statusCounts").getInteger("no_show")).isZero();

    JsonObject dashboard = api.get("/api/admin/dashboard/stats?date=" + day).data();
    assertThat(dashboard.getInteger("jobsToday")).isEqualTo(3);
    // unpaid: 100 + max(0, 80.25 - 100) + 150
    assertThat(dashboard.getValue("unpaidTotal")).isEqualTo(250);
  }

  private static String utc(LocalDate day, String localTime) {
    return day.atTime(java.time.LocalTime.parse(localTime)).atZone(java.time.ZoneId.of("America/Chicago")).toInstant().toString();
  }

  @Test
  void cardsHaveTheContractsShapeAndTypes() {
    JsonObject card = create("2030-03-04T09:00:00Z", "2030-03-04T10:30:00+00:00", 120.5, 0);
    assertThat(card.getString("id")).matches("[1-9][0-9]*");
    assertThat(card.getString("status")).isEqualTo("scheduled");
    assertThat(card.getInteger("version")).isEqualTo(1);
    assertThat(card.getString("appt_end")).isEqualTo("2030-03-04T10:30:00Z");
    assertThat(card.getValue("total_amount")).isEqualTo(120.5);
    assertThat(card.getValue("paid_amount")).isEqualTo(0);
    assertThat(card.getString("customer_name")).isEqualTo("Board Test");
    assertThat(card.getValue("year")).isNull();
    assertThat(card.containsKey("tech_id")).isTrue();
    assertThat(api.get("/api/admin/appointments/" + card.getString("id")).data()).isEqualTo(card);

    JsonObject reuse = new JsonObject().put("appt_start", "2030-03-04T11:00:00Z").put("appt_end", "2030-03-04T12:00:00Z")
        .put("customer_id", card.getString("customer_id")).put("vehicle_id", card.getString("vehicle_id"))
        .put("status", "completed").put("version", 9);
    Reply again = api.post("/api/admin/appointments", reuse.encode());
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.data().getString("status")).as("server-owned fields are ignored").isEqualTo("scheduled");
    assertThat(again.data().getInteger("version")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"appt_end\":\"2030-01-01T10:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\"}}",
      "{\"appt_start\":\"2030-01-01T10:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\"}}",
      "{\"appt_start\":\"tomorrow\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\"}}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer_id\":\"999999999\",\"vehicle\":{\"make\":\"B\",\"model\":\"C\"}}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"vehicle\":{\"make\":\"B\",\"model\":\"C\"}}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer_id\":null,\"vehicle_id\":null}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\"}}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\"},\"total_amount\":-1}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\"},\"paid_amount\":\"5\"}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\",\"year\":\"old\"}}",
      "{\"appt_start\":\"2030-01-01T08:00:00Z\",\"appt_end\":\"2030-01-01T09:00:00Z\",\"customer\":{\"name\":\"A\"},\"vehicle\":{\"make\":\"B\",\"model\":\"C\"},\"total_amount\":1e30}"})
  void badCreatesAre400WithDetailsAndCreateNothing(String body) throws Exception {
    long before = countAppointments();
    Reply reply = api.post("/api/admin/appointments", body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("validation_error");
    assertThat(reply.error().getJsonArray("details")).isNotEmpty();
    assertThat(countAppointments()).isEqualTo(before);
  }

  private static long countAppointments() throws Exception {
    try (var conn = com.edgarautoshop.moveapi.testing.TestPostgres.jdbc();
         var rs = conn.createStatement().executeQuery("SELECT count(*) FROM appointments")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void createSharesTheMovesBodyRules() {
    assertThat(api.post("/api/admin/appointments", "{}", "Content-Type", "text/plain").status()).isEqualTo(415);
    assertThat(api.post("/api/admin/appointments", "[]").error().getString("code")).isEqualTo("invalid_json");
    assertThat(api.post("/api/admin/appointments", "{\"notes\":\"" + "n".repeat(17 * 1024) + "\"}").status()).isEqualTo(413);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13-01", "2026-02-30", "yesterday", "20261124", "+12026-01-01", "2026-1-1"})
  void badDatesAre400(String date) {
    for (String path : new String[] {"/api/admin/appointments/board?date=", "/api/admin/dashboard/stats?date="}) {
      Reply reply = api.get(path + date);
      assertThat(reply.status()).isEqualTo(400);
      assertThat(reply.error().getString("code")).isEqualTo("validation_error");
    }
  }

  @Test
  void dateDefaultsToTodayInTheShopsZone() {
    String today = LocalDate.now(java.time.ZoneId.of("America/Chicago")).toString();
    assertThat(api.get("/api/admin/appointments/board").data().getString("date")).isEqualTo(today);
    assertThat(api.get("/api/admin/dashboard/stats").data().getString("date")).isEqualTo(today);
  }

  @Test
  void workflowListsEveryStatusAndTransition() {
    JsonObject workflow = api.get("/api/admin/workflow").data();
    assertThat(workflow.getJsonArray("statuses")).containsExactly("scheduled", "in_progress", "ready", "completed", "no_show");
    JsonObject transitions = workflow.getJsonObject("transitions");
    assertThat(transitions.getJsonArray("scheduled")).containsExactly("in_progress", "no_show");
    assertThat(transitions.getJsonArray("in_progress")).containsExactly("ready", "completed", "scheduled");
    assertThat(transitions.getJsonArray("ready")).containsExactly("completed", "in_progress");
    assertThat(transitions.getJsonArray("completed")).isEmpty();
    assertThat(transitions.getJsonArray("no_show")).containsExactly("scheduled");
  }

  @Test
  void deleteRemovesTheCardItsHistoryAndItsOwnCustomerAndVehicle() throws Exception {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
    long customer;
    long vehicle;
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement();
         ResultSet rs = sql.executeQuery("SELECT customer_id, vehicle_id FROM appointments WHERE id = " + id)) {
      rs.next();
      customer = rs.getLong(1);
      vehicle = rs.getLong(2);
    }
    String shared = api.post("/api/admin/appointments", new JsonObject().put("appt_start", "2031-01-01T09:00:00Z")
        .put("appt_end", "2031-01-01T10:00:00Z").put("customer_id", String.valueOf(customer)).put("vehicle_id", String.valueOf(vehicle))
        .encode()).data().getString("id");

    Reply deleted = api.send(api.request("/api/admin/appointments/" + id).DELETE().build());
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.data().getString("appointment_id")).isEqualTo(id);
    assertThat(api.get("/api/admin/appointments/" + id).status()).isEqualTo(404);
    assertThat(api.get("/api/admin/appointments/" + id + "/history").status()).isEqualTo(404);
    assertThat(api.card(shared).getString("customer_id")).as("a customer another card uses stays").isEqualTo(String.valueOf(customer));

    assertThat(api.send(api.request("/api/admin/appointments/" + shared).DELETE().build()).status()).isEqualTo(200);
    assertThat(rowCount("SELECT count(*) FROM appointment_moves WHERE kind <> 'deleted' AND appointment_id = " + id)).isZero();
    assertThat(rowCount("SELECT count(*) FROM vehicles WHERE id = " + vehicle)).as("the last card took its vehicle").isZero();
    assertThat(rowCount("SELECT count(*) FROM customers WHERE id = " + customer)).as("and its customer").isZero();
    Reply again = api.send(api.request("/api/admin/appointments/" + id).DELETE().build());
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.error().getString("code")).isEqualTo("not_found");
  }

  private static long rowCount(String query) throws Exception {
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void unknownAppointmentsAre404() {
    for (String path : new String[] {"/api/admin/appointments/987654321", "/api/admin/appointments/987654321/history",
        "/api/admin/appointments/abc", "/api/admin/appointments/-4/history"}) {
      Reply reply = api.get(path);
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertThat(reply.error().getString("code")).isEqualTo("not_found");
    }
  }

  @Test
  void routerAnswers404And405InTheEnvelope() {
    Reply unknown = api.get("/nope");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error().getString("code")).isEqualTo("not_found");
    Reply wrongMethod = api.send(api.request("/api/admin/appointments/1/move").DELETE().build());
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.error().getString("code")).isEqualTo("method_not_allowed");
    assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
    assertThat(api.send(api.request("/healthz").DELETE().build()).header("Allow")).isEqualTo("GET");
    assertThat(api.post("/api/admin/workflow", "x", "Content-Type", "text/plain").status()).as("405 before 415").isEqualTo(405);
  }

  @Test
  void healthAndCorrelationHeaders() {
    Reply health = api.get("/healthz", "X-Request-Id", "req-42");
    assertThat(health.data().getString("status")).isEqualTo("ok");
    assertThat(health.data().getString("runtime")).isEqualTo("vertx");
    assertThat(health.data().getString("version")).isEqualTo(health.header("X-App-Version"));
    assertThat(health.header("X-Correlation-Id")).isEqualTo("req-42");
    assertThat(api.get("/healthz", "X-Correlation-Id", "corr-1", "X-Request-Id", "req-1").header("X-Correlation-Id")).isEqualTo("corr-1");
    String fresh = api.get("/healthz", "X-Correlation-Id", "bad id with spaces").header("X-Correlation-Id");
    assertThat(fresh).isNotEqualTo("bad id with spaces").matches("[A-Za-z0-9._:-]{1,128}");
    assertThat(api.get("/healthz", "X-Correlation-Id", "x".repeat(129)).header("X-Correlation-Id")).hasSizeLessThanOrEqualTo(128);
  }
}
