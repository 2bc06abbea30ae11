package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import com.edgarautoshop.moveapi.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: replay, reuse, concurrent duplicates and replay across a restart of the service. */
class IdempotencyTest extends ServiceTestBase {

  @Test
  void replaysTheFirstAnswerAcrossARestart() throws Exception {
    String key = "restart-" + UUID.randomUUID();
    String id;
    Reply first;
    try (TestService service = TestService.start()) {
      id = service.api().createCard(Api.freshDate(), 10).getString("id");
      first = service.api().move(id, "in_progress", 1, "Idempotency-Key", key);
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("Idempotent-Replayed")).isNull();
    }
    try (TestService restarted = TestService.start()) {
      Reply replay = restarted.api().move(id, "in_progress", 1, "Idempotency-Key", key);
      assertThat(replay.status()).isEqualTo(200);
      assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(replay.json()).isEqualTo(first.json());
      assertThat(restarted.api().card(id).getInteger("version")).isEqualTo(2);
      assertThat(restarted.api().historyCount(id)).isEqualTo(1);
    }
  }

  @Test
  void aMoveIsReplayedAndItsKeyCannotBeReusedForAnotherRequest() throws Exception {
    String id = api.createCard(Api.freshDate(), 11).getString("id");
    String key = "moved-" + UUID.randomUUID();
    List<Reply> twice = twice(id, "in_progress", 1, key);
    assertThat(twice).extracting(Reply::status).containsExactly(200, 200);
    assertThat(twice.get(1).header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(twice.get(1).json()).isEqualTo(twice.get(0).json());

    Reply reused = api.move(id, "ready", 2, "Idempotency-Key", key);
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.error().getString("code")).isEqualTo("idempotency_key_reused");
    assertThat(api.card(id).getInteger("version")).isEqualTo(2);

    // The contract checks a reused key before the card, so a path naming no card gets 422 too.
    for (String path : List.of("/api/admin/appointments/not-a-card/move", "/api/admin/appointments/0/reorder")) {
      String body = path.endsWith("move") ? "{\"new_status\":\"ready\",\"expected_version\":2}" : "{\"expected_version\":2,\"after_id\":null}";
      assertThat(api.post(path, body, "Idempotency-Key", key).error().getString("code")).isEqualTo("idempotency_key_reused");
      Reply fresh = api.post(path, body, "Idempotency-Key", "fresh-" + UUID.randomUUID());
      assertThat(fresh.status()).isEqualTo(404);
      assertThat(fresh.error().getString("code")).isEqualTo("not_found");
    }
  }

  /** Issue 14.6: answers that change nothing are not stored, so they neither replay nor block the key for 48 h. */
  @Test
  void answersThatChangeNothingAreNotStored() throws Exception {
    String id = api.createCard(Api.freshDate(), 11).getString("id");
    String key = "conflict-" + UUID.randomUUID();
    List<Reply> twice = twice(id, "in_progress", 5, key);
    assertThat(twice).as("evaluated again, the same answer").extracting(Reply::status).containsExactly(409, 409);
    assertThat(twice.get(1).header("Idempotent-Replayed")).isNull();
    assertThat(api.move(id, "in_progress", 1, "Idempotency-Key", key).status()).as("the key is still free").isEqualTo(200);

    String invalidKey = "invalid-" + UUID.randomUUID();
    assertThat(api.move(id, "no_show", 2, "Idempotency-Key", invalidKey).status()).isEqualTo(422);
    assertThat(api.move(id, "ready", 2, "Idempotency-Key", invalidKey).status()).isEqualTo(200);

    String missingKey = "missing-" + UUID.randomUUID();
    assertThat(api.move("987654321", "in_progress", 1, "Idempotency-Key", missingKey).status()).isEqualTo(404);
    Reply afterMissing = api.move("987654321", "in_progress", 1, "Idempotency-Key", missingKey);
    assertThat(afterMissing.status()).isEqualTo(404);
    assertThat(afterMissing.header("Idempotent-Replayed")).isNull();
    assertThat(api.card(id).getInteger("version")).isEqualTo(3);
    assertThat(api.historyCount(id)).isEqualTo(2);
    assertThat(storedKeys(key, invalidKey, missingKey)).as("only the two moves were recorded").isEqualTo(2);
  }

  /** Issue 14.6: keys are scoped per actor: bob sending alice's key and request gets his own answer, not hers. */
  @Test
  void anotherUsersIdenticalKeyAndRequestDoesNotGetTheFirstUsersAnswer() throws Exception {
    Vertx vertx = Vertx.vertx();
    Tokens tokens = Tokens.create(vertx);
    try (TestService service = TestService.start(tokens.env())) {
      Api api = service.api();
      String alice = tokens.bearer("alice");
      String bob = tokens.bearer("bob");
      String id = api.createCard(Api.freshDate(), 13, "Authorization", alice).getString("id");
      String key = "shared-" + UUID.randomUUID();
      assertThat(api.move(id, "in_progress", 1, "Idempotency-Key", key, "Authorization", alice).status()).isEqualTo(200);

      Reply bobs = api.move(id, "in_progress", 1, "Idempotency-Key", key, "Authorization", bob);
      assertThat(bobs.status()).as("bob's own answer: the card moved on").isEqualTo(409);
      assertThat(bobs.header("Idempotent-Replayed")).isNull();
      Reply bobsDifferent = api.move(id, "ready", 2, "Idempotency-Key", key, "Authorization", bob);
      assertThat(bobsDifferent.status()).as("not alice's key_reused either").isEqualTo(200);
      Reply alicesReplay = api.move(id, "in_progress", 1, "Idempotency-Key", key, "Authorization", alice);
      assertThat(alicesReplay.status()).isEqualTo(200);
      assertThat(alicesReplay.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(alicesReplay.data().getInteger("version")).isEqualTo(2);
      JsonArray history = api.get("/api/admin/appointments/" + id + "/history", "Authorization", alice).data().getJsonArray("items");
      assertThat(history.stream().map(row -> ((JsonObject) row).getString("actor")).toList()).containsExactly("bob", "alice");
    } finally {
      vertx.close().await();
    }
  }

  /** The same keyed move sent twice in a row. */
  private static List<Reply> twice(String id, String newStatus, int expectedVersion, String key) {
    Reply first = api.move(id, newStatus, expectedVersion, "Idempotency-Key", key);
    return List.of(first, api.move(id, newStatus, expectedVersion, "Idempotency-Key", key));
  }

  private static int storedKeys(String... keys) throws Exception {
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement()) {
      int found = 0;
      for (String key : keys) {
        try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM idempotency_keys WHERE key LIKE '%:" + key + "'")) {
          rs.next();
          found += rs.getInt(1);
        }
      }
      return found;
    }
  }

  @Test
  void identicalKeyedRequestsArrivingTogetherMoveOnce() throws Exception {
    String id = api.createCard(Api.freshDate(), 12).getString("id");
    String key = "together-" + UUID.randomUUID();
    int n = 20;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      replies.add(pool.submit(() -> {
        go.await();
        return api.move(id, "in_progress", 1, "Idempotency-Key", key);
      }));
    }
    go.countDown();
    int moved = 0;
    for (Future<Reply> f : replies) {
      Reply reply = f.get();
      if (reply.status() == 200 && reply.header("Idempotent-Replayed") == null) {
        moved++;
      } else if (reply.status() == 200) {
        assertThat(reply.header("Idempotent-Replayed")).isEqualTo("true");
      } else {
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.error().getString("code")).isEqualTo("idempotency_key_in_use");
      }
    }
    pool.shutdown();
    assertThat(moved).isEqualTo(1);
    assertThat(api.card(id).getInteger("version")).isEqualTo(2);
    assertThat(api.historyCount(id)).isEqualTo(1);
  }
}
