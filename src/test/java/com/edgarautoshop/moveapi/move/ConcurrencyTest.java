package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Concurrency claims proven with many requests in flight at once over real HTTP. */
@ExtendWith(VertxExtension.class)
class ConcurrencyTest extends ServiceTestBase {
  private static WebClient client(Vertx vertx) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(Integer.parseInt(api.base().substring(api.base().lastIndexOf(':') + 1))),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
  }

  private static Future<HttpResponse<io.vertx.core.buffer.Buffer>> move(WebClient client, String id, String status, int version) {
    return client.post("/api/admin/appointments/" + id + "/move")
        .sendJsonObject(new JsonObject().put("new_status", status).put("expected_version", version));
  }

  @Test
  void fiftyRacersOnOneVersionYieldOneWinner(Vertx vertx, VertxTestContext test) {
    String id = api.createCard(Api.freshDate(), 8).getString("id");
    WebClient client = client(vertx);
    List<Future<HttpResponse<io.vertx.core.buffer.Buffer>>> racers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      racers.add(move(client, id, "in_progress", 1));
    }
    Future.join(racers).onComplete(test.succeeding(all -> test.verify(() -> {
      Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
      for (Future<HttpResponse<io.vertx.core.buffer.Buffer>> racer : racers) {
        statuses.merge(racer.result().statusCode(), 1, Integer::sum);
        if (racer.result().statusCode() == 409) {
          JsonObject error = racer.result().bodyAsJsonObject().getJsonObject("error");
          assertThat(error.getString("code")).isEqualTo("version_conflict");
          assertThat(error.getInteger("current_version")).isEqualTo(2);
        }
      }
      assertThat(statuses).containsOnlyKeys(200, 409).containsEntry(200, 1).containsEntry(409, 49);
      JsonObject card = api.card(id);
      assertThat(card.getInteger("version") - 1).isEqualTo(api.historyCount(id)).isEqualTo(1);
      test.completeNow();
    })));
  }

  @Test
  void randomMovesOnManyCardsLoseNoUpdate(Vertx vertx, VertxTestContext test) {
    LocalDate date = Api.freshDate();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(api.createCard(date, 8 + i).getString("id"));
    }
    WebClient client = client(vertx);
    AtomicInteger moved = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < 16; w++) {
      workers.add(work(vertx, client, ids, deadline, moved, other));
    }
    Future.all(workers).onComplete(test.succeeding(done -> test.verify(() -> {
      assertThat(other.get()).as("answers other than 200/409/422").isZero();
      assertThat(moved.get()).isGreaterThan(20);
      int historyRows = 0;
      for (String id : ids) {
        JsonObject card = api.card(id);
        int count = api.historyCount(id);
        assertThat(card.getInteger("version") - 1).as("card " + id).isEqualTo(count);
        historyRows += count;
      }
      assertThat(historyRows).isEqualTo(moved.get());
      test.completeNow();
    })));
  }

  /** One worker: read a card, pick an allowed (or sometimes a forbidden) target, move with its version. */
  private static Future<Void> work(Vertx vertx, WebClient client, List<String> ids, long deadline, AtomicInteger moved, AtomicInteger other) {
    if (System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    return client.get("/api/admin/appointments/" + id).send().compose(read -> {
      JsonObject card = read.bodyAsJsonObject().getJsonObject("data");
      // completed is terminal: leave it out so cards keep moving for the whole run
      List<String> allowed = Workflow.allowedFrom(card.getString("status")).stream().filter(s -> !s.equals("completed")).toList();
      String target = allowed.isEmpty() || ThreadLocalRandom.current().nextInt(10) == 0
          ? Workflow.STATUSES.get(ThreadLocalRandom.current().nextInt(5))
          : allowed.get(ThreadLocalRandom.current().nextInt(allowed.size()));
      return move(client, id, target, card.getInteger("version"));
    }).compose(reply -> {
      switch (reply.statusCode()) {
        case 200 -> moved.incrementAndGet();
        case 409, 422 -> { }
        default -> other.incrementAndGet();
      }
      return work(vertx, client, ids, deadline, moved, other);
    });
  }
}
