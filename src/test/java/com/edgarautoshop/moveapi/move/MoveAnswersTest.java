package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each move result's status and envelope, without a server. */
class MoveAnswersTest {

  @Test
  void movedIs200WithTheData() {
    JsonObject data = new JsonObject().put("appointment_id", "7").put("version", 2);
    MoveAnswers.Answer answer = MoveAnswers.of(new MoveResult.Moved(data));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(new JsonObject().put("ok", true).put("data", data));
  }

  @Test
  void conflictCarriesTheCurrentState() {
    MoveAnswers.Answer answer = MoveAnswers.of(new MoveResult.Conflict(7, 1, 3, "ready"));
    assertThat(answer.status()).isEqualTo(409);
    JsonObject error = answer.body().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("version_conflict");
    assertThat(error.getString("appointment_id")).isEqualTo("7");
    assertThat(error.getInteger("requested_version")).isEqualTo(1);
    assertThat(error.getInteger("current_version")).isEqualTo(3);
    assertThat(error.getString("current_status")).isEqualTo("ready");
  }

  @Test
  void invalidTransitionHasTheContractsExactMessage() {
    MoveAnswers.Answer answer = MoveAnswers.of(new MoveResult.InvalidTransition("ready", "ready", List.of("completed", "in_progress")));
    assertThat(answer.status()).isEqualTo(422);
    JsonObject error = answer.body().getJsonObject("error");
    assertThat(error.getString("message")).isEqualTo("Invalid transition from 'ready' to 'ready'");
    assertThat(error.getJsonArray("allowed").getList()).containsExactly("completed", "in_progress");
  }

  @Test
  void notFoundAndReplayed() {
    MoveAnswers.Answer notFound = MoveAnswers.of(new MoveResult.NotFound(9));
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.body().getJsonObject("error").getString("message")).isEqualTo("No appointment with id '9'.");
    MoveAnswers.Answer replayed = MoveAnswers.of(new MoveResult.Replayed(409, "{\"ok\":false}"));
    assertThat(replayed.status()).isEqualTo(409);
    assertThat(replayed.body()).isEqualTo(new JsonObject().put("ok", false));
  }

  @Test
  void theRequestHashIsTheSameRequestAfterTheAlias() {
    MoveCommand a = new MoveCommand(1, "ready", 2, 0, java.util.Optional.of("k"), "alice", "r1");
    MoveCommand b = new MoveCommand(1, "ready", 2, 0, java.util.Optional.of("k"), "bob", "r2");
    MoveCommand c = new MoveCommand(1, "ready", 2, 1, java.util.Optional.of("k"), "alice", "r1");
    assertThat(a.requestHash()).isEqualTo(b.requestHash()).isNotEqualTo(c.requestHash());
  }
}
