package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every row of the contract's move table, through HTTP against a real PostgreSQL. */
class MoveContractTest extends ServiceTestBase {
  private static String newCard() {
    return api.createCard(Api.freshDate(), 9).getString("id");
  }

  private static Reply rawMove(String id, String body, String... headers) {
    return api.post("/api/admin/appointments/" + id + "/move", body, headers);
  }

  private static void assertUnchanged(String id) {
    JsonObject card = api.card(id);
    assertThat(card.getInteger("version")).isEqualTo(1);
    assertThat(card.getString("status")).isEqualTo("scheduled");
    assertThat(api.historyCount(id)).isZero();
  }

  @Test
  void movesAndAnswersTheNewState() {
    String id = newCard();
    Instant before = Instant.now();
    Reply reply = rawMove(id, "{\"new_status\":\"in_progress\",\"expected_version\":1,\"position\":3}");
    assertThat(reply.status()).isEqualTo(200);
    JsonObject data = reply.data();
    assertThat(data.getString("appointment_id")).isEqualTo(id);
    assertThat(data.getString("status")).isEqualTo("in_progress");
    assertThat(data.getString("previous_status")).isEqualTo("scheduled");
    assertThat(data.getInteger("position")).isEqualTo(3);
    assertThat(data.getInteger("version")).isEqualTo(2);
    // Both are the move's transaction time; the window only allows for the database's clock.
    Instant updatedAt = Instant.parse(data.getString("updated_at"));
    assertThat(updatedAt).isBetween(before.minusSeconds(60), Instant.now().plusSeconds(60));
    assertThat(Instant.parse(data.getString("check_in_at"))).isEqualTo(updatedAt);
    assertThat(data.getString("check_out_at")).isNull();

    JsonObject history = api.get("/api/admin/appointments/" + id + "/history").data().getJsonArray("items").getJsonObject(0);
    assertThat(history.getString("from_status")).isEqualTo("scheduled");
    assertThat(history.getString("to_status")).isEqualTo("in_progress");
    assertThat(history.getInteger("from_version")).isEqualTo(1);
    assertThat(history.getInteger("to_version")).isEqualTo(2);
    assertThat(history.getString("actor")).isEqualTo("demo");
    assertThat(history.getString("request_id")).isEqualTo(reply.header("X-Correlation-Id"));
  }

  @Test
  void checkInAndOutFollowTheWorkflow() {
    String id = newCard();
    String checkIn = api.move(id, "in_progress", 1).data().getString("check_in_at");
    JsonObject back = api.move(id, "scheduled", 2).data();
    assertThat(back.getString("check_in_at")).isNull();
    assertThat(api.move(id, "in_progress", 3).data().getString("check_in_at")).isNotNull().isNotEqualTo(checkIn);
    JsonObject ready = api.move(id, "ready", 4).data();
    assertThat(ready.getString("check_in_at")).isNotNull();
    JsonObject done = api.move(id, "completed", 5).data();
    assertThat(done.getString("check_out_at")).isNotNull();
    assertThat(done.getInteger("version")).isEqualTo(6);
    assertThat(api.historyCount(id)).isEqualTo(5);
  }

  @Test
  void newPositionIsAnAliasAndPositionWins() {
    String id = newCard();
    assertThat(rawMove(id, "{\"new_status\":\"in_progress\",\"expected_version\":1,\"new_position\":7,\"extra\":true}")
        .data().getInteger("position")).isEqualTo(7);
    assertThat(rawMove(id, "{\"new_status\":\"ready\",\"expected_version\":2,\"new_position\":7,\"position\":2}")
        .data().getInteger("position")).isEqualTo(2);
    assertThat(rawMove(id, "{\"new_status\":\"in_progress\",\"expected_version\":3}").data().getInteger("position")).isZero();
  }

  @Test
  void staleVersionIs409WithTheCurrentState() {
    String id = newCard();
    api.move(id, "in_progress", 1);
    Reply reply = api.move(id, "ready", 1);
    assertThat(reply.status()).isEqualTo(409);
    JsonObject error = reply.error();
    assertThat(error.getString("code")).isEqualTo("version_conflict");
    assertThat(error.getString("appointment_id")).isEqualTo(id);
    assertThat(error.getInteger("requested_version")).isEqualTo(1);
    assertThat(error.getInteger("current_version")).isEqualTo(2);
    assertThat(error.getString("current_status")).isEqualTo("in_progress");
  }

  @Test
  void conflictTakesPrecedenceOverAnInvalidTransition() {
    String id = newCard();
    api.move(id, "in_progress", 1);
    assertThat(api.move(id, "no_show", 1).error().getString("code")).isEqualTo("version_conflict");
  }

  @Test
  void disallowedTransitionIs422WithTheExactMessage() {
    String id = newCard();
    Reply same = api.move(id, "scheduled", 1);
    assertThat(same.status()).isEqualTo(422);
    assertThat(same.error().getString("message")).isEqualTo("Invalid transition from 'scheduled' to 'scheduled'");
    Reply skip = api.move(id, "completed", 1);
    assertThat(skip.status()).isEqualTo(422);
    assertThat(skip.error().getString("code")).isEqualTo("invalid_transition");
    assertThat(skip.error().getString("from")).isEqualTo("scheduled");
    assertThat(skip.error().getString("to")).isEqualTo("completed");
    assertThat(skip.error().getJsonArray("allowed")).isEqualTo(new JsonArray().add("in_progress").add("no_show"));
    assertUnchanged(id);
  }

  @Test
  void readyToReadyMessageIsExact() {
    String id = newCard();
    api.move(id, "in_progress", 1);
    api.move(id, "ready", 2);
    assertThat(api.move(id, "ready", 3).error().getString("message")).isEqualTo("Invalid transition from 'ready' to 'ready'");
  }

  @Test
  void completedIsTerminal() {
    String id = newCard();
    api.move(id, "in_progress", 1);
    api.move(id, "completed", 2);
    Reply reply = api.move(id, "ready", 3);
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.error().getJsonArray("allowed")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"999999999", "abc", "-1", "1e3", "0", "99999999999999999999", "9223372036854775808"})
  void unknownOrOddIdsAre404(String id) {
    Reply reply = api.move(id, "in_progress", 1);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.error().getString("code")).isEqualTo("not_found");
  }

  @Test
  void bodyNotDeclaredAsJsonIs415() {
    String id = newCard();
    Reply reply = api.post("/api/admin/appointments/" + id + "/move", "{\"new_status\":\"in_progress\",\"expected_version\":1}",
        "Content-Type", "text/plain");
    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.error().getString("code")).isEqualTo("unsupported_media_type");
    assertUnchanged(id);
  }

  @Test
  void bodyOver16KiBIs413() {
    String id = newCard();
    String padding = "x".repeat(17 * 1024);
    Reply reply = rawMove(id, "{\"new_status\":\"in_progress\",\"expected_version\":1,\"notes\":\"" + padding + "\"}");
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.error().getString("code")).isEqualTo("payload_too_large");
    assertUnchanged(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{not json", "[1,2]", "\"text\"", "", "null", "{\"new_status\":\"in_progress\",}"})
  void bodyThatIsNotAJsonObjectIs400InvalidJson(String body) {
    String id = newCard();
    Reply reply = rawMove(id, body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("invalid_json");
    assertUnchanged(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"expected_version\":1}",
      "{\"new_status\":\"in_progress\"}",
      "{\"new_status\":\"flying\",\"expected_version\":1}",
      "{\"new_status\":\"IN_PROGRESS\",\"expected_version\":1}",
      "{\"new_status\":7,\"expected_version\":1}",
      "{\"new_status\":\"in_progress\",\"expected_version\":\"1\"}",
      "{\"new_status\":\"in_progress\",\"expected_version\":1.0}",
      "{\"new_status\":\"in_progress\",\"expected_version\":1e0}",
      "{\"new_status\":\"in_progress\",\"expected_version\":0}",
      "{\"new_status\":\"in_progress\",\"expected_version\":-1}",
      "{\"new_status\":\"in_progress\",\"expected_version\":2147483648}",
      "{\"new_status\":\"in_progress\",\"expected_version\":99999999999999999999}",
      "{\"new_status\":\"in_progress\",\"expected_version\":true}",
      "{\"new_status\":\"in_progress\",\"expected_version\":1,\"position\":-1}",
      "{\"new_status\":\"in_progress\",\"expected_version\":1,\"position\":\"2\"}",
      "{\"new_status\":\"in_progress\",\"expected_version\":1,\"new_position\":1.5}",
      "{\"new_status\":\"in_progress\",\"expected_version\":1,\"position\":2147483648}"})
  void invalidFieldsAre400WithDetails(String body) {
    String id = newCard();
    Reply reply = rawMove(id, body);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("validation_error");
    JsonArray details = reply.error().getJsonArray("details");
    assertThat(details).isNotEmpty();
    assertThat(details.getJsonObject(0).getString("field")).isIn("new_status", "expected_version", "position", "new_position");
    assertUnchanged(id);
  }

  @Test
  void validationComesBeforeNotFound() {
    assertThat(rawMove("abc", "{\"new_status\":\"nope\",\"expected_version\":1}").status()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "with space"})
  void badIdempotencyKeysAre400(String key) {
    String id = newCard();
    Reply reply = rawMove(id, "{\"new_status\":\"in_progress\",\"expected_version\":1}", "Idempotency-Key", key);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("validation_error");
    assertUnchanged(id);
  }

  @Test
  void idempotencyKeyLongerThan128Is400() {
    String id = newCard();
    Reply reply = rawMove(id, "{\"new_status\":\"in_progress\",\"expected_version\":1}", "Idempotency-Key", "k".repeat(129));
    assertThat(reply.status()).isEqualTo(400);
    assertUnchanged(id);
  }

  @Test
  void errorsCarryHeadersAndNoInternals() {
    Reply reply = rawMove("1", "{bad", "X-Correlation-Id", "trace-123:abc");
    assertThat(reply.header("X-Correlation-Id")).isEqualTo("trace-123:abc");
    assertThat(reply.header("X-App-Version")).isEqualTo("test");
    assertThat(reply.json().getBoolean("ok")).isFalse();
    assertThat(reply.raw().body()).doesNotContain("Exception").doesNotContain("at com.");
  }
}
