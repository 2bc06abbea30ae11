package com.edgarautoshop.moveapi.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.HistoryInsertTrigger;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Deadlocks and serialization failures from a real PostgreSQL: one retry, then 503 deadlock. */
class DeadlockTest extends ServiceTestBase {
  private static final String RETRIES = "moveapi_move_deadlock_retries_total{environment=\"local\",service=\"MoveAPI\"}";
  private static final String OUTCOME_503 = "moveapi_move_outcomes_total{environment=\"local\",outcome=\"503\",service=\"MoveAPI\"}";

  /**
   * A real lock cycle: the blocker locks the card, the move waits for it while holding its table
   * locks, then the blocker asks for a table lock the move holds. The move (waiting first, with the
   * shorter deadlock_timeout) is the victim, retries once, and succeeds after the blocker leaves.
   */
  @Test
  void realDeadlockIsRetriedOnceThenSucceeds() throws Exception {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    long deadlocksBefore = deadlocksSeenByPostgres();
    double retriesBefore = api.metric(RETRIES);
    try (Connection blocker = TestPostgres.jdbc(); Statement sql = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      sql.execute("SET deadlock_timeout = '20s'");
      sql.execute("SELECT id FROM appointments WHERE id = " + id + " FOR UPDATE");
      CompletableFuture<Reply> move = CompletableFuture.supplyAsync(() -> api.move(id, "in_progress", 1, "X-Correlation-Id", "real-deadlock-" + id));
      TestPostgres.awaitServiceWaitingOnLock();
      sql.execute("LOCK TABLE appointment_moves IN SHARE MODE");
      blocker.rollback();
      Reply reply = move.get(20, TimeUnit.SECONDS);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.data().getInteger("version")).isEqualTo(2);
    }
    assertThat(api.historyCount(id)).isEqualTo(1);
    assertThat(deadlocksSeenByPostgres()).as("this test's deadlock, not an earlier one").isGreaterThan(deadlocksBefore);
    assertThat(api.metric(RETRIES)).isEqualTo(retriesBefore + 1);
  }

  @Test
  void secondDeadlockInARowIs503WithRetryAfterAndChangesNothing() throws Exception {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    double retriesBefore = api.metric(RETRIES);
    double unavailableBefore = api.metric(OUTCOME_503);
    try (HistoryInsertTrigger trigger = HistoryInsertTrigger.failing("40P01", "always")) {
      Reply reply = api.move(id, "in_progress", 1, "X-Correlation-Id", trigger.marker());
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.error().getString("code")).isEqualTo("deadlock");
      assertThat(reply.header("Retry-After")).isNotBlank();
      assertThat(trigger.attempts()).as("one attempt plus exactly one retry").isEqualTo(2);
    }
    assertThat(api.metric(RETRIES)).isEqualTo(retriesBefore + 1);
    assertThat(api.metric(OUTCOME_503)).isEqualTo(unavailableBefore + 1);
    assertThat(api.card(id).getInteger("version")).isEqualTo(1);
    assertThat(api.historyCount(id)).isZero();
  }

  @Test
  void serializationFailureOnceIsRetriedAndSucceeds() throws Exception {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    try (HistoryInsertTrigger trigger = HistoryInsertTrigger.failing("40001", "first")) {
      Reply reply = api.move(id, "in_progress", 1, "X-Correlation-Id", trigger.marker());
      assertThat(reply.status()).isEqualTo(200);
      assertThat(trigger.attempts()).isEqualTo(2);
    }
    assertThat(api.historyCount(id)).isEqualTo(1);
  }

  @Test
  void otherDatabaseErrorsAreNotRetried() throws Exception {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    try (HistoryInsertTrigger trigger = HistoryInsertTrigger.failing("23514", "always")) {
      Reply reply = api.move(id, "in_progress", 1, "X-Correlation-Id", trigger.marker());
      assertThat(reply.status()).isEqualTo(500);
      assertThat(reply.error().getString("code")).isEqualTo("internal_error");
      assertThat(reply.raw().body()).doesNotContain("23514").doesNotContain("trigger");
      assertThat(trigger.attempts()).isEqualTo(1);
    }
  }

  private static long deadlocksSeenByPostgres() throws Exception {
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement();
         ResultSet rs = sql.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
