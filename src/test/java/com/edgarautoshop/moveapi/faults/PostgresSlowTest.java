package com.edgarautoshop.moveapi.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, PostgreSQL slow: a lock held longer than the request timeout. Every request behind it is
 * answered 503 within the timeout, nothing changes, and its statement is gone from
 * pg_stat_activity while the lock is still held (cancelled, not merely finished once the lock went).
 */
class PostgresSlowTest {
  private static final int TIMEOUT_MS = 1500;
  /** Scheduling slack of a noisy 2-core machine on top of the configured bound; far below any hang. */
  private static final int SLACK_MS = 750;
  private static TestService service;
  private static Api api;
  private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("REQUEST_TIMEOUT", String.valueOf(TIMEOUT_MS), "DB_POOL_SIZE", "8"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    CLIENTS.shutdownNow();
    service.close();
  }

  private record Timed(String what, Reply reply, long tookMs) {}

  @Test
  void movesBehindARowLockHeldPastTheTimeoutAre503WithinItAndLeaveNoStatementBehind() throws Exception {
    LocalDate date = Api.freshDate();
    String locked = api.createCard(date, 9).getString("id");
    String free = api.createCard(date, 10).getString("id");
    try (Connection blocker = TestPostgres.lockCards(locked)) {
      List<Future<Timed>> behindTheLock = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String[] key = i % 2 == 0 ? new String[] {"Idempotency-Key", "slow-" + i + "-" + locked} : new String[0];
        behindTheLock.add(timed("move " + i, () -> api.move(locked, "in_progress", 1, key)));
      }
      TestPostgres.awaitServiceWaitingOnLock();
      assertThat(api.move(free, "in_progress", 1).status()).as("other cards move meanwhile").isEqualTo(200);
      assertUnavailableInTimeAndCancelled(behindTheLock);
      blocker.rollback();
    }
    assertUnmoved(locked);
    assertThat(api.move(locked, "in_progress", 1).status()).as("the card moves once the lock is gone").isEqualTo(200);
    assertThat(api.historyCount(locked)).isEqualTo(1);
  }

  @Test
  void everyRouteBehindATableLockHeldPastTheTimeoutIs503WithinItAndLeavesNoStatementBehind() throws Exception {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 9).getString("id");
    String body = new io.vertx.core.json.JsonObject()
        .put("appt_start", date + "T11:00:00Z").put("appt_end", date + "T12:00:00Z")
        .put("customer", new io.vertx.core.json.JsonObject().put("name", "Slow Customer"))
        .put("vehicle", new io.vertx.core.json.JsonObject().put("make", "Mazda").put("model", "3").put("year", 2019)).encode();
    try (Connection blocker = TestPostgres.jdbc(); Statement sql = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      sql.execute("LOCK TABLE appointments IN ACCESS EXCLUSIVE MODE");
      List<Future<Timed>> requests = List.of(
          timed("move", () -> api.move(id, "in_progress", 1)),
          timed("keyed move", () -> api.move(id, "in_progress", 1, "Idempotency-Key", "slow-table-" + id)),
          timed("create", () -> api.post("/api/admin/appointments", body)),
          timed("card", () -> api.get("/api/admin/appointments/" + id)),
          timed("history", () -> api.get("/api/admin/appointments/" + id + "/history")),
          timed("board", () -> api.get("/api/admin/appointments/board?date=" + date)),
          timed("stats", () -> api.get("/api/admin/dashboard/stats?date=" + date)));
      assertUnavailableInTimeAndCancelled(requests);
      blocker.rollback();
    }
    assertUnmoved(id);
    assertThat(api.get("/api/admin/appointments/board?date=" + date).data().getJsonObject("stats").getInteger("jobsToday"))
        .as("the create behind the lock was rolled back").isEqualTo(1);
  }

  private static Future<Timed> timed(String what, Supplier<Reply> request) {
    return CLIENTS.submit(() -> {
      long started = System.nanoTime();
      Reply reply = request.get();
      return new Timed(what, reply, (System.nanoTime() - started) / 1_000_000);
    });
  }

  /** Each answered 503 within the timeout, and none left a statement running, though the lock is still held. */
  private static void assertUnavailableInTimeAndCancelled(List<Future<Timed>> requests) throws Exception {
    for (Future<Timed> request : requests) {
      assertUnavailableInTime(request.get(10, TimeUnit.SECONDS));
    }
    TestPostgres.awaitNoServiceStatementRunning();
  }

  private static void assertUnmoved(String id) {
    assertThat(api.card(id).getInteger("version")).isEqualTo(1);
    assertThat(api.historyCount(id)).isZero();
  }

  private static void assertUnavailableInTime(Timed request) {
    assertThat(request.reply().status()).as(request.what() + ": " + request.reply().raw().body()).isEqualTo(503);
    assertThat(request.reply().error().getString("code")).isEqualTo("unavailable");
    assertThat(request.reply().header("Retry-After")).isNotBlank();
    assertThat(request.tookMs()).as(request.what() + " answered within REQUEST_TIMEOUT").isLessThan(TIMEOUT_MS + SLACK_MS);
  }
}
