package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: replay, reuse, concurrent duplicates and replay across a restart of the service. */
class IdempotencyTest {

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
  void definitiveErrorsAreReplayedTooAndReuseIs422() throws Exception {
    try (TestService service = TestService.start()) {
      Api api = service.api();
      String id = api.createCard(Api.freshDate(), 11).getString("id");
      String key = "conflict-" + UUID.randomUUID();
      Reply conflict = api.move(id, "in_progress", 5, "Idempotency-Key", key);
      assertThat(conflict.status()).isEqualTo(409);
      Reply replay = api.move(id, "in_progress", 5, "Idempotency-Key", key);
      assertThat(replay.status()).isEqualTo(409);
      assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(replay.json()).isEqualTo(conflict.json());

      Reply reused = api.move(id, "in_progress", 1, "Idempotency-Key", key);
      assertThat(reused.status()).isEqualTo(422);
      assertThat(reused.error().getString("code")).isEqualTo("idempotency_key_reused");
      assertThat(api.card(id).getInteger("version")).isEqualTo(1);

      String missingKey = "missing-" + UUID.randomUUID();
      assertThat(api.move("987654321", "in_progress", 1, "Idempotency-Key", missingKey).status()).isEqualTo(404);
      assertThat(api.move("987654321", "in_progress", 1, "Idempotency-Key", missingKey).header("Idempotent-Replayed")).isEqualTo("true");
      // reuse is checked before the card is looked at
      assertThat(api.move(id, "no_show", 1, "Idempotency-Key", missingKey).status()).isEqualTo(422);
    }
  }

  @Test
  void identicalKeyedRequestsArrivingTogetherMoveOnce() throws Exception {
    try (TestService service = TestService.start()) {
      Api api = service.api();
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
}
