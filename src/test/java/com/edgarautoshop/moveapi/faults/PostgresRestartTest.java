package com.edgarautoshop.moveapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.db.Migrations;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.MoveLoad;
import com.edgarautoshop.moveapi.testing.MoveLoad.Answer;
import com.edgarautoshop.moveapi.testing.PrivatePostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, PostgreSQL restarted during a load run, on a private cluster: once with a fast
 * shutdown (sessions ended, checkpoint) and once with an immediate one (a crash, then recovery).
 * Every request gets an honest answer within the request timeout, /readyz follows the database,
 * and the service recovers without a restart. {@code -Dfaults.scale=N} restarts N times each way.
 */
class PostgresRestartTest {
  private static final int TIMEOUT_MS = 2000;
  /** Scheduling slack of a noisy 2-core machine on top of the configured bound; far below any hang. */
  private static final int SLACK_MS = 1000;
  private static final int SCALE = Integer.getInteger("faults.scale", 1);

  @Test
  void movesAcrossRestartsGetHonestAnswersAndTheServiceRecoversByItself() throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.create()) {
      Migrations.apply(pg.url());
      try (TestService service = TestService.start(pg.url(), Map.of("REQUEST_TIMEOUT", String.valueOf(TIMEOUT_MS),
          "DB_POOL_WAIT_MS", "1000", "DB_POOL_SIZE", "4"))) {
        Api api = service.api();
        LocalDate date = Api.freshDate();
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          cards.add(api.createCard(date, 8 + i).getString("id"));
        }
        MoveLoad load = MoveLoad.start(List.of(api), cards, MoveLoad.Options.of(8).hangingAfter(Duration.ofMillis(TIMEOUT_MS * 5L)));
        for (int restart = 0; restart < 2 * SCALE; restart++) {
          awaitMoves(load, 30);
          pg.stop(restart % 2 == 0 ? "fast" : "immediate");
          await("/readyz turns 503").atMost(Duration.ofSeconds(10)).until(() -> api.get("/readyz").status() == 503);
          long answeredBefore = load.count(a -> true);
          await("answers while PostgreSQL is down").atMost(Duration.ofSeconds(10)).until(() -> load.count(a -> true) >= answeredBefore + 20);
          pg.start();
          await("/readyz turns 200 again").atMost(Duration.ofSeconds(30)).until(() -> api.get("/readyz").status() == 200);
          awaitMoves(load, 30);
        }
        List<Answer> answers = load.stop();

        MoveLoad.Verdict verdict = load.verify(api, MoveLoad.Fault.NONE);
        System.out.println("FAULT postgres-restarted: " + verdict.summary());
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.outcomes()).as("the outages were seen").containsKey("503 unavailable");
        assertThat(answers).as("no answer later than REQUEST_TIMEOUT")
            .allSatisfy(a -> assertThat(a.tookMs()).as(a.requestId()).isLessThan(TIMEOUT_MS + SLACK_MS));
      }
    }
  }

  private static void awaitMoves(MoveLoad load, int more) {
    long before = load.count(a -> a.status() == 200);
    await("moves succeed").atMost(Duration.ofSeconds(30)).until(() -> load.count(a -> a.status() == 200) >= before + more);
  }
}
