package com.edgarautoshop.moveapi.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A stuck lock and a saturated pool end in 503 unavailable within the bounds, never a hang; nothing is half-applied. */
class SaturationTest {

  @Test
  void stuckLockAndSaturatedPoolAnswer503AndChangeNothing() throws Exception {
    try (TestService service = TestService.start(Map.of("DB_POOL_SIZE", "1", "DB_POOL_WAIT_MS", "300", "REQUEST_TIMEOUT", "1500"))) {
      Api api = service.api();
      String stuck = api.createCard(Api.freshDate(), 9).getString("id");
      String other = api.createCard(Api.freshDate(), 9).getString("id");
      try (Connection blocker = TestPostgres.lockCards(stuck)) {

        long started = System.nanoTime();
        CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> api.move(stuck, "in_progress", 1));
        TestPostgres.awaitServiceWaitingOnLock();
        Reply starved = api.move(other, "in_progress", 1);
        assertThat(starved.status()).as("the only connection is busy").isEqualTo(503);
        assertThat(starved.error().getString("code")).isEqualTo("unavailable");
        assertThat(starved.header("Retry-After")).isNotBlank();

        Reply timedOut = waiting.get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(timedOut.status()).isEqualTo(503);
        assertThat(timedOut.error().getString("code")).isEqualTo("unavailable");
        assertThat(tookMs).as("bounded by REQUEST_TIMEOUT (1.5 s)").isLessThan(3000);
        blocker.rollback();
      }
      assertThat(api.card(stuck).getInteger("version")).isEqualTo(1);
      assertThat(api.historyCount(stuck)).isZero();
      assertThat(api.card(other).getInteger("version")).isEqualTo(1);
      assertThat(api.move(stuck, "in_progress", 1).status()).as("recovers once the lock is gone").isEqualTo(200);
    }
  }
}
