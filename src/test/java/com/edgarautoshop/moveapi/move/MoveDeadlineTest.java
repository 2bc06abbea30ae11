package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TcpProxy;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14.3: a 503 must mean "nothing happened". The move's database unit, pool wait included, is
 * bounded by the request's deadline: cancelled and rolled back when it runs late; only when the
 * database does not answer at all is the outcome unknown, and then the answer is 504 outcome_unknown.
 */
class MoveDeadlineTest {

  /**
   * The scenario: one pooled connection, busy with a move stuck on a locked row, so a keyed
   * move on another locked card waits for the pool and then for its lock, past the HTTP deadline. On
   * main it was answered 503 and committed once the lock went. Now its answer is definite.
   */
  @Test
  void aKeyedMoveThatRunsPastTheDeadlineIsRolledBackNotCommittedLater() throws Exception {
    String key = "late-" + UUID.randomUUID();
    try (TestService service = TestService.start(Map.of("DB_POOL_SIZE", "1", "DB_POOL_WAIT_MS", "5000", "REQUEST_TIMEOUT", "1500"))) {
      Api api = service.api();
      String keyed = api.createCard(Api.freshDate(), 10).getString("id");
      Reply late = behindABusyPoolAndAHeldLock(api, keyed, key);
      assertThat(late.status()).as(late.raw().body()).isEqualTo(503);
      assertThat(late.error().getString("code")).isEqualTo("unavailable");
      TestPostgres.awaitNoServiceStatementRunning();
      assertThat(api.card(keyed).getInteger("version")).as("rolled back, not committed after the answer").isEqualTo(1);
      assertThat(api.historyCount(keyed)).isZero();
      Reply retry = api.move(keyed, "in_progress", 1, "Idempotency-Key", key);
      assertThat(retry.status()).isEqualTo(200);
      assertThat(retry.header("Idempotent-Replayed")).as("a fresh move, nothing was recorded").isNull();
    }
  }

  /** The keyed move's answer, sent while another move holds the only connection, waiting on a locked card; both locks go right after. */
  private static Reply behindABusyPoolAndAHeldLock(Api api, String keyed, String key) throws Exception {
    String first = api.createCard(Api.freshDate(), 9).getString("id");
    try (Connection blocker = TestPostgres.lockCards(first, keyed)) {
      CompletableFuture<Reply> holdingThePool = CompletableFuture.supplyAsync(() -> api.move(first, "in_progress", 1));
      TestPostgres.awaitServiceWaitingOnLock();
      Reply late = api.move(keyed, "in_progress", 1, "Idempotency-Key", key);
      assertThat(holdingThePool.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
      blocker.commit();
      return late;
    }
  }

  /** A reorder waits for every card of its column: one held past the deadline makes it a 503 that changed nothing. */
  @Test
  void aReorderStuckOnALockedCardOfItsColumnIs503AndChangesNothing() throws Exception {
    String key = "late-reorder-" + UUID.randomUUID();
    try (TestService service = TestService.start(Map.of("REQUEST_TIMEOUT", "1500"))) {
      Api api = service.api();
      LocalDate date = Api.freshDate();
      String first = api.createCard(date, 9).getString("id");
      String second = api.createCard(date, 10).getString("id");
      Reply late;
      try (Connection blocker = TestPostgres.lockCards(second)) {
        late = api.reorder(first, 1, second, "Idempotency-Key", key);
        blocker.rollback();
      }
      assertThat(late.status()).as(late.raw().body()).isEqualTo(503);
      assertThat(late.error().getString("code")).isEqualTo("unavailable");
      TestPostgres.awaitNoServiceStatementRunning();
      assertThat(api.column(date, "scheduled")).containsExactly(first, second);
      assertThat(api.card(first).getInteger("version")).isEqualTo(1);
      assertThat(api.card(second).getInteger("position")).isZero();
      assertThat(api.historyCount(first)).isZero();
      Reply retry = api.reorder(first, 1, second, "Idempotency-Key", key);
      assertThat(retry.status()).isEqualTo(200);
      assertThat(retry.header("Idempotent-Replayed")).as("a fresh reorder, nothing was recorded").isNull();
    }
  }

  /** When PostgreSQL stops answering after the move was sent, nobody can know whether it committed: 504, never a 503. */
  @Test
  void aMoveTheDatabaseNeverAnsweredIs504OutcomeUnknown() throws Exception {
    try (TcpProxy proxy = new TcpProxy();
        TestService service = TestService.start(proxy.url(), Map.of("REQUEST_TIMEOUT", "1500", "DB_POOL_SIZE", "1"))) {
      Api api = service.api();
      String id = api.createCard(Api.freshDate(), 9).getString("id");
      proxy.freeze();
      Reply unknown = api.move(id, "in_progress", 1);
      assertThat(unknown.status()).isEqualTo(504);
      assertThat(unknown.error().getString("code")).isEqualTo("outcome_unknown");
      assertThat(unknown.header("Retry-After")).isNull();
      proxy.thaw();
      // The held statement and the deadline's cancel request now reach PostgreSQL in either order, so the
      // move may or may not commit: "unknown" was the honest answer. Either way it is whole or absent.
      TestPostgres.awaitNoServiceStatementRunning();
      int version = api.card(id).getInteger("version");
      assertThat(version).isBetween(1, 2);
      assertThat(api.historyCount(id)).isEqualTo(version - 1);
    }
  }
}
