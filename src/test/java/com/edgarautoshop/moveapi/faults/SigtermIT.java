package com.edgarautoshop.moveapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.MoveLoad;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, SIGTERM under load: the built jar, a real process, receives SIGTERM while clients move
 * cards, and while three moves wait on a locked card so they are in flight across the drain. No
 * accepted request fails, the process exits 0 within the grace period (ECS's StopTimeout, 30 s in
 * deploy/move-api.yaml), a second SIGTERM changes nothing, and a SIGKILL during the drain loses
 * nothing committed. Runs after {@code package} (failsafe); {@code -Dfaults.scale=N} moves N times
 * as much before the signal.
 */
class SigtermIT {
  private static final Path JAR = Path.of("target", "move-api.jar");
  private static final int TIMEOUT_MS = 5000;
  private static final int DRAIN_MS = 1000;
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final int SCALE = Integer.getInteger("faults.scale", 1);
  private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(3);

  private enum Stop { SIGTERM, SIGTERM_TWICE, SIGKILL_DURING_DRAIN }

  @AfterAll
  static void stopClients() {
    CLIENTS.shutdownNow();
  }

  @Test
  void sigtermDrainsInFlightMovesAndExitsZero() throws Exception {
    stopUnderLoad(Stop.SIGTERM);
  }

  @Test
  void aSecondSigtermDuringTheDrainChangesNothing() throws Exception {
    stopUnderLoad(Stop.SIGTERM_TWICE);
  }

  @Test
  void aSigkillDuringTheDrainLosesNothingCommitted() throws Exception {
    stopUnderLoad(Stop.SIGKILL_DURING_DRAIN);
  }

  private static void stopUnderLoad(Stop stop) throws Exception {
    assertThat(JAR).as("built by mvn package").exists();
    Path log = Path.of("target", "sigterm-" + stop.name().toLowerCase() + ".log");
    int port = TestService.freePort();
    Process jar = startJar(port, log);
    Api api = new Api("http://127.0.0.1:" + port, "http://127.0.0.1:0");
    try {
      LocalDate date = Api.freshDate();
      List<String> cards = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        cards.add(api.createCard(date, 8 + i).getString("id"));
      }
      String locked = api.createCard(date, 18).getString("id");
      MoveLoad load = MoveLoad.start(List.of(api), cards, MoveLoad.Options.of(12));
      await("moves before the signal").atMost(Duration.ofSeconds(60)).until(() -> load.count(a -> a.status() == 200) >= 100L * SCALE);

      List<Future<Reply>> inFlight = new ArrayList<>();
      long signalled;
      try (Connection blocker = TestPostgres.lockCards(locked)) {
        for (int i = 0; i < 3; i++) {
          String requestId = "in-flight-" + i + "-" + locked;
          inFlight.add(CLIENTS.submit(() -> api.move(locked, "in_progress", 1, "X-Correlation-Id", requestId)));
        }
        TestPostgres.awaitServiceWaitingOnLock();
        signalled = System.nanoTime();
        jar.toHandle().destroy();
        await("/readyz answers 503 while draining").atMost(Duration.ofSeconds(5)).until(() -> readyz(api) == 503);
        if (stop == Stop.SIGTERM_TWICE) {
          jar.toHandle().destroy();
        }
        if (stop == Stop.SIGKILL_DURING_DRAIN) {
          jar.toHandle().destroyForcibly();
          assertThat(jar.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } else {
          // The moves on the locked card are still in flight after the listener has closed; only now may they finish.
          await("the listener closes after the drain").atMost(Duration.ofSeconds(10)).until(() -> readyz(api) == 0);
          assertThat(jar.isAlive()).as("the process waits for its in-flight moves").isTrue();
        }
        blocker.rollback();
      }
      assertThat(jar.waitFor(GRACE.toSeconds(), TimeUnit.SECONDS)).as("exit within the grace period").isTrue();
      long exitMs = (System.nanoTime() - signalled) / 1_000_000;
      load.stop();

      try (TestService reader = TestService.start()) {
        MoveLoad.Verdict verdict = load.verify(reader.api(), stop == Stop.SIGKILL_DURING_DRAIN ? MoveLoad.Fault.KILLED : MoveLoad.Fault.DRAINED);
        List<Reply> lockedAnswers = answers(inFlight, stop);
        int lockedHistory = reader.api().historyCount(locked);
        System.out.println("FAULT " + stop + ": " + verdict.summary() + " exit=" + jar.exitValue() + " exit_ms=" + exitMs
            + " in_flight=" + lockedAnswers.stream().map(r -> r == null ? "none" : String.valueOf(r.status())).toList()
            + " locked_card_moves=" + lockedHistory);
        assertThat(verdict.problems()).isEmpty();
        assertThat(reader.api().card(locked).getInteger("version") - 1).isEqualTo(lockedHistory).isLessThanOrEqualTo(1);
        if (stop == Stop.SIGKILL_DURING_DRAIN) {
          assertThat(jar.exitValue()).isEqualTo(137);
        } else {
          assertThat(jar.exitValue()).as("a clean drain").isZero();
          assertThat(lockedAnswers).as("the moves in flight across the drain were answered: one winner, two conflicts")
              .extracting(Reply::status).containsExactlyInAnyOrder(200, 409, 409);
          assertThat(lockedHistory).isEqualTo(1);
        }
      }
    } finally {
      jar.destroyForcibly();
    }
  }

  /** The in-flight moves' answers; after a SIGKILL, null for those the process never answered. */
  private static List<Reply> answers(List<Future<Reply>> inFlight, Stop stop) throws Exception {
    List<Reply> replies = new ArrayList<>();
    for (Future<Reply> move : inFlight) {
      try {
        replies.add(move.get(30, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException lost) {
        if (stop != Stop.SIGKILL_DURING_DRAIN) {
          throw lost;
        }
        replies.add(null);
      }
    }
    return replies;
  }

  /** /readyz's status, or 0 when there is no answer (refused: the listener has closed, or not yet opened). */
  private static int readyz(Api api) {
    try {
      return api.get("/readyz").status();
    } catch (IllegalStateException ex) {
      if (ex.getCause() instanceof IOException) {
        return 0;
      }
      throw ex;
    }
  }

  private static Process startJar(int port, Path log) throws Exception {
    DatabaseUrl db = TestPostgres.url();
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of(
        "DATABASE_URL", "postgresql://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.database(),
        "AUTH_MODE", "none",
        "PORT", String.valueOf(port),
        "METRICS_PORT", "0",
        "REQUEST_TIMEOUT", String.valueOf(TIMEOUT_MS),
        "SHUTDOWN_DRAIN_MS", String.valueOf(DRAIN_MS),
        "DB_POOL_SIZE", "8",
        "LOG_FORMAT", "text"));
    Process jar = builder.start();
    Api api = new Api("http://127.0.0.1:" + port, "http://127.0.0.1:0");
    await("the jar is ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!jar.isAlive()) {
        throw new IllegalStateException("the jar exited: " + Files.readString(log));
      }
      return readyz(api) == 200;
    });
    return jar;
  }
}
