package com.edgarautoshop.moveapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.HistoryInsertTrigger;
import com.edgarautoshop.moveapi.testing.MoveLoad;
import com.edgarautoshop.moveapi.testing.MoveLoad.Answer;
import com.edgarautoshop.moveapi.testing.TestService;
import com.edgarautoshop.moveapi.web.Responses;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, pool saturated: 20 × (then 60 ×) more concurrent moves than pooled connections, each
 * move holding its connection 50 ms longer (a trigger), so the pool cannot keep up. The pool's two
 * bounds shed the excess: a request waits at most DB_POOL_WAIT_MS for a connection, and at most
 * 32 × DB_POOL_SIZE requests wait at all. One round by default; {@code -Dfaults.scale=N} (N ≥ 2) runs
 * 3 × N rounds and checks that the heap after GC does not grow from round to round.
 */
class PoolSaturationTest {
  private static final int POOL = 2;
  private static final int POOL_WAIT_MS = 300;
  private static final int WAIT_QUEUE = 32 * POOL;
  private static final int TIMEOUT_MS = 3000;
  private static final int SCALE = Integer.getInteger("faults.scale", 1);
  private static final int ROUNDS = SCALE == 1 ? 1 : 3 * SCALE;
  private static final String SQL_POOL = "{environment=\"local\",pool_name=\"move-api-pool\",pool_type=\"sql\",service=\"MoveAPI\"}";
  /** The message of a 503 from the pool's own bounds, as opposed to the request's deadline or timeout. */
  private static final String TURNED_AWAY = "The database is unavailable or busy; retry shortly.";

  @Test
  void excessIsTurnedAwayWith503ByThePoolsBoundsAndNothingIsLeftQueued() throws Exception {
    Logger responses = (Logger) LoggerFactory.getLogger(Responses.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    responses.addAppender(log);
    try (TestService service = TestService.start(Map.of("DB_POOL_SIZE", String.valueOf(POOL),
        "DB_POOL_WAIT_MS", String.valueOf(POOL_WAIT_MS), "REQUEST_TIMEOUT", String.valueOf(TIMEOUT_MS)));
        HistoryInsertTrigger slow = HistoryInsertTrigger.sleeping("load-", 50)) {
      Api api = service.api();
      List<Long> heapAfterRounds = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        log.list.clear();
        saturate(api, 20 * POOL);
        assertThat(refusedByTheQueueBound(log)).as("20 × fits the wait queue: the wait bound sheds the excess").isZero();
        saturate(api, 60 * POOL);
        assertThat(refusedByTheQueueBound(log)).as("60 × overflows the wait queue of " + WAIT_QUEUE).isPositive();
        assertThat(log.list).as("refusals are logged as one line each, without a stack trace")
            .allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
        heapAfterRounds.add(heapAfterGc());
      }
      System.out.println("FAULT pool-saturated: heap after GC per round (MB) " + heapAfterRounds.stream().map(b -> b / (1 << 20)).toList());
      if (heapAfterRounds.size() >= 6) {
        // Round 0 warms the JIT and the pools up; later rounds must not keep what they allocated.
        assertThat(heapAfterRounds.get(heapAfterRounds.size() - 1)).as("heap after GC, last round vs round 1")
            .isLessThan(heapAfterRounds.get(1) + 32L * (1 << 20));
      }
    } finally {
      responses.detachAppender(log);
    }
  }

  private static long refusedByTheQueueBound(ListAppender<ILoggingEvent> log) {
    return log.list.stream().filter(e -> e.getFormattedMessage().contains("max wait queue size of " + WAIT_QUEUE)).count();
  }

  /** One saturating run with this many concurrent clients, each on a card of its own (so most moves are valid). */
  private static void saturate(Api api, int clients) throws Exception {
    LocalDate date = Api.freshDate();
    List<String> cards = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      cards.add(api.createCard(date, 8 + i % 10).getString("id"));
    }
    MoveLoad load = MoveLoad.start(List.of(api), cards, MoveLoad.Options.of(clients));
    await("moves and refusals under saturation").atMost(Duration.ofSeconds(60))
        .until(() -> load.count(a -> a.status() == 200) >= 100 && load.count(a -> a.status() == 503) >= 50);
    List<Answer> answers = load.stop();

    MoveLoad.Verdict verdict = load.verify(api, MoveLoad.Fault.NONE);
    System.out.println("FAULT pool-saturated x" + clients / POOL + ": " + verdict.summary());
    assertThat(verdict.problems()).isEmpty();
    assertThat(answers).as("admitted moves answer within REQUEST_TIMEOUT").filteredOn(a -> a.status() == 200)
        .allSatisfy(a -> assertThat(a.tookMs()).isLessThan(TIMEOUT_MS));
    assertThat(answers).as("the excess is turned away by the pool's bounds, not by the request timeout")
        .filteredOn(a -> a.status() == 503)
        .allSatisfy(a -> assertThat(a.body()).contains(TURNED_AWAY));
    assertThat(api.metric("vertx_pool_queue_time_seconds_max" + SQL_POOL)).as("no request waited past DB_POOL_WAIT_MS (+ scheduling)")
        .isLessThan((POOL_WAIT_MS + 200) / 1000.0);
    await("the pool's wait queue and connections are free again").atMost(Duration.ofSeconds(10))
        .until(() -> api.metric("vertx_pool_queue_pending" + SQL_POOL) == 0 && api.metric("vertx_pool_in_use" + SQL_POOL) == 0);
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
