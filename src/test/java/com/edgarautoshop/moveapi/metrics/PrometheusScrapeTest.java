package com.edgarautoshop.moveapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestService;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics on the main port: the move's meters (zero before anything happened) and Vert.x's own. */
class PrometheusScrapeTest {
  private static final String TAGS = "Environment=\"ci\",Service=\"MoveAPI\"";
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("APP_ENV", "ci"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  @Test
  void movesAreCountedByOutcomeAndConflictsStartAtAnExplicitZero() {
    Reply before = api.get("/metrics");
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(before.raw().body()).contains("OCCConflicts_total{" + TAGS + "} 0.0");

    String id = api.createCard(Api.freshDate(), 9).getString("id");
    assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.move(id, "ready", 1).status()).isEqualTo(409);
    assertThat(api.move(id, "in_progress", 2).status()).isEqualTo(422);
    assertThat(api.move("999999999", "ready", 1).status()).isEqualTo(404);

    String body = api.get("/metrics").raw().body();
    assertThat(body)
        .contains("OCCConflicts_total{" + TAGS + "} 1.0")
        .contains("MoveLatency_seconds_count{" + TAGS + "} 4")
        .contains("MoveOutcomes_total{" + TAGS + ",outcome=\"200\"} 1.0")
        .contains("MoveOutcomes_total{" + TAGS + ",outcome=\"404\"} 1.0")
        .contains("MoveOutcomes_total{" + TAGS + ",outcome=\"409\"} 1.0")
        .contains("MoveOutcomes_total{" + TAGS + ",outcome=\"422\"} 1.0")
        .contains("MoveOutcomes_total{" + TAGS + ",outcome=\"503\"} 0.0")
        .contains("DeadlockRetries_total{" + TAGS + "} 0.0")
        .contains("MoveLatency_seconds_bucket{")
        .contains("vertx_http_server_requests_total{")
        .contains("vertx_http_server_response_time_seconds_count{")
        .contains("vertx_pool_in_use{")
        .contains("vertx_pool_queue_pending{");
  }
}
