package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.HistoryInsertTrigger;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every answer of POST …/reorder, through HTTP against a real PostgreSQL. */
class ReorderContractTest extends ServiceTestBase {
  private static final String RETRIES = "moveapi_move_deadlock_retries_total{environment=\"local\",service=\"MoveAPI\"}";

  /** Cards at 9:00, 10:00, … of a fresh day, all scheduled at position 0: board order is their time order. */
  private static List<String> column(LocalDate date, int cards) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < cards; i++) {
      ids.add(api.createCard(date, 9 + i).getString("id"));
    }
    return ids;
  }

  private static Reply rawReorder(String id, String body, String... headers) {
    return api.post("/api/admin/appointments/" + id + "/reorder", body, headers);
  }

  /** The column's cards as {id, position, version}, in board order. */
  private static List<String> positions(LocalDate date, String status) {
    List<String> rows = new ArrayList<>();
    for (String id : api.column(date, status)) {
      JsonObject card = api.card(id);
      rows.add(id + "@" + card.getInteger("position") + "v" + card.getInteger("version"));
    }
    return rows;
  }

  private static void assertNothingChanged(LocalDate date, List<String> before) {
    assertThat(positions(date, "scheduled")).isEqualTo(before);
    for (String row : before) {
      String id = row.substring(0, row.indexOf('@'));
      assertThat(api.historyCount(id)).isEqualTo(api.card(id).getInteger("version") - 1);
    }
  }

  @Test
  void placesTheCardAfterTheAnchorAndRenumbersTheColumn() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 4);
    String a = ids.get(0);
    String b = ids.get(1);
    String c = ids.get(2);
    String d = ids.get(3);

    Reply top = api.reorder(d, 1, null);
    assertThat(top.status()).as(top.raw().body()).isEqualTo(200);
    JsonObject data = top.data();
    assertThat(data.fieldNames()).containsExactlyInAnyOrder(
        "appointment_id", "status", "previous_status", "position", "version", "updated_at", "check_in_at", "check_out_at");
    assertThat(data.getString("appointment_id")).isEqualTo(d);
    assertThat(data.getString("status")).isEqualTo("scheduled");
    assertThat(data.getString("previous_status")).isEqualTo("scheduled");
    assertThat(data.getInteger("position")).isZero();
    assertThat(data.getInteger("version")).isEqualTo(2);
    // Only the reordered card gets a new version; the others keep theirs, renumbered 0..n-1.
    assertThat(positions(date, "scheduled")).containsExactly(d + "@0v2", a + "@1v1", b + "@2v1", c + "@3v1");

    Reply after = api.reorder(a, 1, c);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.data().getInteger("position")).isEqualTo(3);
    assertThat(positions(date, "scheduled")).containsExactly(d + "@0v2", b + "@1v1", c + "@2v1", a + "@3v2");

    JsonObject history = api.history(a).get(0);
    assertThat(history.getString("from_status")).isEqualTo("scheduled");
    assertThat(history.getString("to_status")).isEqualTo("scheduled");
    assertThat(history.getInteger("from_version")).isEqualTo(1);
    assertThat(history.getInteger("to_version")).isEqualTo(2);
    assertThat(history.getString("request_id")).isEqualTo(after.header("X-Correlation-Id"));
    for (String id : ids) {
      assertThat(api.historyCount(id)).as("version - 1 = history rows of " + id).isEqualTo(api.card(id).getInteger("version") - 1);
    }
  }

  @Test
  void placingACardWhereItIsStillCountsAsAChange() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 2);
    Reply reply = api.reorder(ids.get(1), 1, ids.get(0));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.data().getInteger("version")).isEqualTo(2);
    assertThat(positions(date, "scheduled")).containsExactly(ids.get(0) + "@0v1", ids.get(1) + "@1v2");
  }

  @Test
  void onlyTheCardsColumnOfItsDayIsRenumbered() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 3);
    assertThat(api.move(ids.get(2), "in_progress", 1).status()).isEqualTo(200);
    String otherDay = api.createCard(Api.freshDate(), 9).getString("id");
    assertThat(rawMoveWithPosition(ids.get(2), 7)).isEqualTo(200);

    assertThat(api.reorder(ids.get(1), 1, null).status()).isEqualTo(200);
    assertThat(positions(date, "scheduled")).containsExactly(ids.get(1) + "@0v2", ids.get(0) + "@1v1");
    assertThat(api.card(ids.get(2)).getInteger("position")).as("another column").isEqualTo(7);
    assertThat(api.card(otherDay).getInteger("version")).as("another day").isEqualTo(1);
  }

  private static int rawMoveWithPosition(String id, int position) {
    return api.post("/api/admin/appointments/" + id + "/move",
        new JsonObject().put("new_status", "ready").put("expected_version", 2).put("position", position).encode()).status();
  }

  @ParameterizedTest
  @ValueSource(strings = {"999999999", "abc", "0", "9223372036854775808"})
  void unknownOrOddIdsAre404(String id) {
    Reply reply = api.reorder(id, 1, null);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.error().getString("code")).isEqualTo("not_found");
  }

  @Test
  void staleVersionIs409WithTheCurrentStateAndChangesNothing() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 2);
    assertThat(api.reorder(ids.get(1), 1, null).status()).isEqualTo(200);
    List<String> before = positions(date, "scheduled");

    Reply reply = api.reorder(ids.get(1), 1, ids.get(0));
    assertThat(reply.status()).isEqualTo(409);
    JsonObject error = reply.error();
    assertThat(error.getString("code")).isEqualTo("version_conflict");
    assertThat(error.getString("appointment_id")).isEqualTo(ids.get(1));
    assertThat(error.getInteger("requested_version")).isEqualTo(1);
    assertThat(error.getInteger("current_version")).isEqualTo(2);
    assertThat(error.getString("current_status")).isEqualTo("scheduled");
    // 409 takes precedence over the anchor's 422, as over a move's invalid transition.
    assertThat(api.reorder(ids.get(1), 1, ids.get(1)).error().getString("code")).isEqualTo("version_conflict");
    assertNothingChanged(date, before);

    // A card that has left the column meanwhile has a new version too.
    assertThat(api.move(ids.get(0), "in_progress", 1).status()).isEqualTo(200);
    Reply moved = api.reorder(ids.get(0), 1, ids.get(1));
    assertThat(moved.status()).isEqualTo(409);
    assertThat(moved.error().getString("current_status")).isEqualTo("in_progress");
  }

  @Test
  void anAnchorThatIsTheCardItselfOrOutsideTheColumnOrDayIs422() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 3);
    String otherColumn = ids.get(2);
    assertThat(api.move(otherColumn, "in_progress", 1).status()).isEqualTo(200);
    String otherDay = api.createCard(Api.freshDate(), 9).getString("id");
    List<String> before = positions(date, "scheduled");

    Reply itself = api.reorder(ids.get(0), 1, ids.get(0));
    assertThat(itself.status()).isEqualTo(422);
    assertThat(itself.error().getString("code")).isEqualTo("after_id_is_card");
    assertThat(itself.error().getString("after_id")).isEqualTo(ids.get(0));
    for (String anchor : List.of(otherColumn, otherDay, "999999999")) {
      Reply reply = api.reorder(ids.get(0), 1, anchor);
      assertThat(reply.status()).as("anchor " + anchor).isEqualTo(422);
      assertThat(reply.error().getString("code")).isEqualTo("after_id_not_in_column");
      assertThat(reply.error().getString("after_id")).isEqualTo(anchor);
      assertThat(reply.error().getString("status")).isEqualTo("scheduled");
    }
    assertNothingChanged(date, before);
  }

  @Test
  void badBodiesAre400WithEveryProblemAndChangeNothing() {
    LocalDate date = Api.freshDate();
    String id = column(date, 1).get(0);
    Reply missing = rawReorder(id, "{}");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().getString("code")).isEqualTo("validation_error");
    assertThat(fields(missing.error().getJsonArray("details"))).containsExactly("expected_version", "after_id");

    Reply wrong = rawReorder(id, "{\"expected_version\":1.0,\"after_id\":\"abc\"}");
    assertThat(fields(wrong.error().getJsonArray("details"))).containsExactly("expected_version", "after_id");
    assertThat(fields(rawReorder(id, "{\"expected_version\":0,\"after_id\":-4}").error().getJsonArray("details")))
        .containsExactly("expected_version", "after_id");
    // An id may be a string or an integer, as elsewhere.
    assertThat(rawReorder(id, "{\"expected_version\":1,\"after_id\":999999999}").error().getString("code")).isEqualTo("after_id_not_in_column");

    assertThat(rawReorder(id, "[1]").error().getString("code")).isEqualTo("invalid_json");
    assertThat(rawReorder(id, "{").error().getString("code")).isEqualTo("invalid_json");
    Reply text = rawReorder(id, "{\"expected_version\":1,\"after_id\":null}", "Content-Type", "text/plain");
    assertThat(text.status()).isEqualTo(415);
    Reply large = rawReorder(id, "{\"expected_version\":1,\"after_id\":null,\"pad\":\"" + "x".repeat(17 * 1024) + "\"}");
    assertThat(large.status()).isEqualTo(413);
    Reply badKey = rawReorder(id, "{\"expected_version\":1,\"after_id\":null}", "Idempotency-Key", "has space");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(badKey.error().getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("Idempotency-Key");
    // Body problems come before the path id, as for the move.
    assertThat(rawReorder("abc", "{}").status()).isEqualTo(400);
    assertThat(api.card(id).getInteger("version")).isEqualTo(1);
    assertThat(api.get("/api/admin/appointments/" + id + "/reorder").status()).isEqualTo(405);
  }

  private static List<String> fields(JsonArray details) {
    return details.stream().map(d -> ((JsonObject) d).getString("field")).toList();
  }

  @Test
  void aKeyedReorderIsReplayedAndItsKeyCannotBeReusedForAnotherRequest() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 3);
    String key = "reorder-" + UUID.randomUUID();
    Reply first = api.reorder(ids.get(2), 1, null, "Idempotency-Key", key);
    assertThat(first.status()).isEqualTo(200);
    Reply again = api.reorder(ids.get(2), 1, null, "Idempotency-Key", key);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(api.card(ids.get(2)).getInteger("version")).as("reordered once").isEqualTo(2);

    Reply otherAnchor = api.reorder(ids.get(2), 1, ids.get(0), "Idempotency-Key", key);
    assertThat(otherAnchor.status()).isEqualTo(422);
    assertThat(otherAnchor.error().getString("code")).isEqualTo("idempotency_key_reused");
    // A move's key is not a reorder's: the same key on the move route is another request.
    Reply move = api.move(ids.get(2), "in_progress", 2, "Idempotency-Key", key);
    assertThat(move.error().getString("code")).isEqualTo("idempotency_key_reused");
    assertThat(api.card(ids.get(2)).getInteger("version")).isEqualTo(2);
  }

  @Test
  void aKeyedReorderThatIsRefusedLeavesTheKeyFree() {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 2);
    String key = "refused-" + UUID.randomUUID();
    assertThat(api.reorder(ids.get(1), 1, ids.get(1), "Idempotency-Key", key).status()).isEqualTo(422);
    Reply reply = api.reorder(ids.get(1), 1, null, "Idempotency-Key", key);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Idempotent-Replayed")).isNull();
  }

  @Test
  void aDeadlockIsRetriedOnceAndASecondOneIs503AndChangesNothing() throws Exception {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 3);
    double retriesBefore = api.metric(RETRIES);
    try (HistoryInsertTrigger trigger = HistoryInsertTrigger.failing("40P01", "first")) {
      Reply reply = api.reorder(ids.get(2), 1, null, "X-Correlation-Id", trigger.marker());
      assertThat(reply.status()).isEqualTo(200);
      // The first attempt fails at its first event row; the retry writes all three (the card and two renumbered).
      assertThat(trigger.attempts()).isEqualTo(1 + 3);
    }
    assertThat(api.metric(RETRIES)).isEqualTo(retriesBefore + 1);
    List<String> before = positions(date, "scheduled");
    try (HistoryInsertTrigger trigger = HistoryInsertTrigger.failing("40P01", "always")) {
      Reply reply = api.reorder(ids.get(0), 1, ids.get(1), "X-Correlation-Id", trigger.marker(), "Idempotency-Key", "dl-" + UUID.randomUUID());
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.error().getString("code")).isEqualTo("deadlock");
      assertThat(reply.header("Retry-After")).isNotBlank();
      assertThat(trigger.attempts()).isEqualTo(2);
    }
    assertNothingChanged(date, before);
  }

  /**
   * The reorder takes its transaction id at its first row lock. Here it then waits (behind a held
   * lock) while another transaction, whose id is therefore higher, changes a card of the column and
   * commits. Written as it stands, the reorder's events for that card would sort before that
   * transaction's in the event log although they come after it. It writes nothing, is retried once
   * with a new id, and its events then follow the other writer's.
   */
  @Test
  void aReorderOvertakenWhileWaitingIsRetriedSoItsEventsFollowTheOtherWriter() throws Exception {
    LocalDate date = Api.freshDate();
    List<String> ids = column(date, 3);
    String first = ids.get(0);
    String held = ids.get(1);
    String overtaken = ids.get(2);
    double retriesBefore = api.metric(RETRIES);
    String laterWriter;
    CompletableFuture<Reply> reorder;
    try (Connection blocker = TestPostgres.lockCards(held)) {
      // The reorder locks `first`, taking its transaction id, then waits for `held`.
      reorder = CompletableFuture.supplyAsync(() -> api.reorder(first, 1, overtaken, "X-Correlation-Id", "overtaken-" + first));
      TestPostgres.awaitServiceWaitingOnLock();
      try (Connection writer = TestPostgres.jdbc(); Statement sql = writer.createStatement()) {
        writer.setAutoCommit(false);
        try (ResultSet rs = sql.executeQuery("UPDATE appointments SET position = 5 WHERE id = " + overtaken
            + " RETURNING pg_current_xact_id()::text")) {
          rs.next();
          laterWriter = rs.getString(1);
        }
        writer.commit();
      }
      blocker.rollback();
    }
    Reply reply = reorder.get(20, TimeUnit.SECONDS);
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(200);
    assertThat(positions(date, "scheduled")).containsExactly(held + "@0v1", overtaken + "@1v1", first + "@2v2");
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement();
         ResultSet rs = sql.executeQuery("SELECT count(*) FILTER (WHERE txid <= '" + laterWriter + "'), count(*)"
             + " FROM appointment_moves WHERE request_id = 'overtaken-" + first + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("events ordered before the later writer").isZero();
      assertThat(rs.getInt(2)).as("the reorder's events: its own and the one card renumbered").isEqualTo(2);
    }
    assertThat(api.metric(RETRIES)).isEqualTo(retriesBefore + 1);
  }
}
