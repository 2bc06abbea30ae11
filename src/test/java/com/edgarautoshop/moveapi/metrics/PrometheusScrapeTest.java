package com.edgarautoshop.moveapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestService;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics on the metrics port: conventional names, JVM and process series, bounded HTTP labels. */
class PrometheusScrapeTest {
  private static final String TAGS = "environment=\"ci\",service=\"MoveAPI\"";
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
  void moveMetersHaveConventionalNamesAndStartAtAnExplicitZero() {
    Reply before = api.scrape();
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(before.raw().body()).contains("moveapi_move_conflicts_total{" + TAGS + "} 0.0");
    double conflictsBefore = api.metric("moveapi_move_conflicts_total{" + TAGS + "}");
    double latencyCountBefore = api.metric("moveapi_move_latency_seconds_count{" + TAGS + "}");

    String id = api.createCard(Api.freshDate(), 9).getString("id");
    assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.move(id, "ready", 1).status()).isEqualTo(409);
    assertThat(api.move(id, "in_progress", 2).status()).isEqualTo(422);
    assertThat(api.move("999999999", "ready", 1).status()).isEqualTo(404);

    assertThat(api.metric("moveapi_move_conflicts_total{" + TAGS + "}")).isEqualTo(conflictsBefore + 1);
    assertThat(api.metric("moveapi_move_latency_seconds_count{" + TAGS + "}")).isEqualTo(latencyCountBefore + 4);
    for (String outcome : List.of("200", "404", "409", "422")) {
      assertThat(api.metric("moveapi_move_outcomes_total{environment=\"ci\",outcome=\"" + outcome + "\",service=\"MoveAPI\"}")).isPositive();
    }
    String body = api.scrape().raw().body();
    assertThat(body)
        .contains("moveapi_move_outcomes_total{environment=\"ci\",outcome=\"503\",service=\"MoveAPI\"} 0.0")
        .contains("moveapi_move_deadlock_retries_total{" + TAGS + "} 0.0")
        .contains("moveapi_move_latency_seconds_bucket{")
        .doesNotContain("MoveLatency", "OCCConflicts", "MoveOutcomes", "DeadlockRetries", "Service=", "Environment=");
  }

  @Test
  void jvmAndProcessSeriesAreServed() {
    String body = api.scrape().raw().body();
    assertThat(body).contains(
        "jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads{", "jvm_classes_loaded_classes{",
        "process_cpu_usage{", "process_files_open_files{", "process_uptime_seconds{", "system_cpu_count{",
        "vertx_pool_in_use{", "vertx_pool_queue_pending{");
  }

  @Test
  void httpServerMetersAreLabelledByRouteTemplateMethodAndStatusClass() {
    String id = api.createCard(Api.freshDate(), 10).getString("id");
    assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.get("/api/admin/appointments/" + id + "/history").status()).isEqualTo(200);

    List<String> requests = series(api.scrape().raw().body(), "vertx_http_server_requests_total{");
    assertThat(requests).anyMatch(line -> line.contains("route=\"/api/admin/appointments/:id/move\"")
        && line.contains("method=\"POST\"") && line.contains("status=\"2xx\""));
    assertThat(requests).anyMatch(line -> line.contains("route=\"/api/admin/appointments/:id/history\"")
        && line.contains("method=\"GET\"") && line.contains("status=\"2xx\""));
    assertThat(requests).as("the raw path is never a label").noneMatch(line -> line.contains("/appointments/" + id));
    List<String> buckets = series(api.scrape().raw().body(), "vertx_http_server_response_time_seconds_bucket{");
    assertThat(buckets).as("a latency histogram per route")
        .anyMatch(line -> line.contains("route=\"/api/admin/appointments/:id/move\"") && line.contains("le=\"0.25\""));
    assertThat(api.scrape().raw().body()).as("the active-requests gauge, which drifted below zero, is gone")
        .doesNotContain("vertx_http_server_active_requests");
  }

  /**
   * Issue 14.1: hundreds of unauthenticated requests with made-up methods and paths must not add a
   * single series. One request of each shape first creates the folded series; the flood then adds none.
   */
  @Test
  void madeUpMethodsAndPathsDoNotGrowTheScrape() {
    String[] shapes = {"/healthz/%s", "/api/admin/%s", "/%s/x"};
    for (String shape : shapes) {
      send("M" + UUID.randomUUID().toString().replace("-", "").toUpperCase(), String.format(shape, "warm"));
      send("GET", String.format(shape, "warm"));
    }
    Set<String> before = httpSeries();
    List<String> madeUp = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String token = "X" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
      madeUp.add(token);
      send(i % 2 == 0 ? token : "GET", String.format(shapes[i % shapes.length], token.toLowerCase()));
    }
    String after = api.scrape().raw().body();
    assertThat(httpSeries()).isEqualTo(before);
    assertThat(before).anyMatch(line -> line.contains("method=\"OTHER\""));
    for (String token : madeUp) {
      assertThat(after).doesNotContain(token).doesNotContain(token.toLowerCase());
    }
  }

  private static void send(String method, String path) {
    Reply reply = api.send(api.request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
    assertThat(reply.status()).isBetween(400, 499);
  }

  /** The vertx_http_server series as name and labels, without their values. */
  private static Set<String> httpSeries() {
    return Arrays.stream(api.scrape().raw().body().split("\n"))
        .filter(line -> line.startsWith("vertx_http_server_"))
        .map(line -> line.substring(0, line.lastIndexOf(' ')))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> series(String scrape, String prefix) {
    return Arrays.stream(scrape.split("\n")).filter(line -> line.startsWith(prefix)).toList();
  }
}
