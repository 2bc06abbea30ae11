package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several clients reorder the cards of one column while others move cards out of it and back in
 * (with positions that collide), all at once over real HTTP. Nothing is lost, the column ends
 * compact, and a board that only applied the stream's events, in order, ends where the database is.
 */
@ExtendWith(VertxExtension.class)
class ReorderConcurrencyTest extends ServiceTestBase {
  private static final int CARDS = 8;
  private static final int REORDERERS = 8;
  private static final int MOVERS = 4;
  private static final long MOVING_MS = 3000;
  /** Reorders go on this long after the last move, so that the column's last writes are reorders. */
  private static final long REORDERING_AFTER_MS = 1000;

  @Test
  void reordersAndMovesOfOneColumnLoseNothingAndTheStreamEndsWhereTheDatabaseIs(Vertx vertx) throws Exception {
    LocalDate date = Api.freshDate();
    try (EventStream stream = EventStream.open(api, date)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < CARDS; i++) {
        // Two cards per hour: ties in appt_start are broken by id.
        ids.add(api.createCard(date, 8 + i / 2).getString("id"));
      }
      WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(Integer.parseInt(api.base().substring(api.base().lastIndexOf(':') + 1))), new PoolOptions().setHttp1MaxSize(32));
      Map<String, Integer> answers = new ConcurrentHashMap<>();
      long movingUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MOVING_MS);
      long reorderingUntil = movingUntil + TimeUnit.MILLISECONDS.toNanos(REORDERING_AFTER_MS);
      List<Future<Void>> workers = new ArrayList<>();
      IntStream.range(0, REORDERERS).forEach(w -> workers.add(reorderer(client, date, reorderingUntil, answers)));
      IntStream.range(0, MOVERS).forEach(w -> workers.add(mover(client, ids, movingUntil, answers)));
      Future.all(workers).await(30, TimeUnit.SECONDS);

      assertThat(answers.keySet()).as("answers: " + answers).containsOnly("reorder 200", "reorder 409", "reorder 422", "move 200", "move 409");
      assertThat(answers.get("reorder 200")).as("reorders that happened").isGreaterThan(20);
      assertThat(answers.get("move 200")).as("moves that happened").isGreaterThan(10);

      Map<String, JsonObject> database = new HashMap<>();
      for (String id : ids) {
        JsonObject card = api.card(id);
        database.put(id, card);
        assertThat(card.getInteger("version") - 1).as("version - 1 = history rows of " + id).isEqualTo(api.historyCount(id));
      }
      List<String> column = api.column(date, "scheduled");
      assertThat(column).as("the column holds exactly its cards")
          .containsExactlyInAnyOrderElementsOf(ids.stream().filter(id -> database.get(id).getString("status").equals("scheduled")).toList());
      assertThat(column.stream().map(id -> database.get(id).getInteger("position")).toList()).as("compact positions, in board order")
          .isEqualTo(IntStream.range(0, column.size()).boxed().toList());

      // A board that applies each event as it comes, in order, must end as the database is.
      Map<String, JsonObject> live = new HashMap<>();
      Awaitility.await("the stream's board matches the database").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
          .untilAsserted(() -> {
            for (EventStream.Event event = stream.next(Duration.ZERO); event != null; event = stream.next(Duration.ZERO)) {
              live.put(event.data().getString("id"), event.data());
            }
            for (String id : ids) {
              JsonObject seen = live.get(id);
              assertThat(seen).as("card " + id + " on the stream").isNotNull();
              assertThat(List.of(seen.getString("status"), seen.getInteger("position"), seen.getInteger("version"), seen.getString("updated_at")))
                  .as("card " + id).isEqualTo(List.of(database.get(id).getString("status"), database.get(id).getInteger("position"),
                      database.get(id).getInteger("version"), database.get(id).getString("updated_at")));
            }
          });
    }
  }

  /** Reads the board and places a random scheduled card after a random other one (or first). */
  private static Future<Void> reorderer(WebClient client, LocalDate date, long until, Map<String, Integer> answers) {
    if (System.nanoTime() > until) {
      return Future.succeededFuture();
    }
    return client.get("/api/admin/appointments/board?date=" + date).send().compose(board -> {
      JsonArray cards = board.bodyAsJsonObject().getJsonObject("data").getJsonObject("columns").getJsonObject("scheduled").getJsonArray("items");
      if (cards.size() < 2) {
        return Future.succeededFuture();
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      JsonObject card = cards.getJsonObject(random.nextInt(cards.size()));
      JsonObject anchor = cards.getJsonObject(random.nextInt(cards.size()));
      String after = anchor.getString("id").equals(card.getString("id")) ? null : anchor.getString("id");
      return count(answers, "reorder", client.post("/api/admin/appointments/" + card.getString("id") + "/reorder")
          .sendJsonObject(new JsonObject().put("expected_version", card.getInteger("version")).put("after_id", after)));
    }).compose(done -> reorderer(client, date, until, answers));
  }

  /** Moves a random card out of the column (to in_progress) or back in, at a random low position. */
  private static Future<Void> mover(WebClient client, List<String> ids, long until, Map<String, Integer> answers) {
    if (System.nanoTime() > until) {
      return Future.succeededFuture();
    }
    String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    return client.get("/api/admin/appointments/" + id).send().compose(read -> {
      JsonObject card = read.bodyAsJsonObject().getJsonObject("data");
      String target = card.getString("status").equals("scheduled") ? "in_progress" : "scheduled";
      return count(answers, "move", client.post("/api/admin/appointments/" + id + "/move").sendJsonObject(new JsonObject()
          .put("new_status", target).put("expected_version", card.getInteger("version")).put("position", ThreadLocalRandom.current().nextInt(3))));
    }).compose(done -> mover(client, ids, until, answers));
  }

  private static Future<Void> count(Map<String, Integer> answers, String what, Future<HttpResponse<Buffer>> reply) {
    return reply.map(response -> {
      answers.merge(what + " " + response.statusCode(), 1, Integer::sum);
      return null;
    });
  }
}
