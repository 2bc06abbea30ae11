package com.edgarautoshop.moveapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import org.junit.jupiter.api.Test;

/** The names each backend renders, without a registry: plain unit tests of the conventions and label folding. */
class MeterNamesTest {

  @Test
  void prometheusGetsSnakeCaseUnderTheServicePrefixAndLibrariesKeepTheirFamilies() {
    NamingConvention prometheus = MeterNames.prometheus();
    assertThat(prometheus.name("move.latency", Meter.Type.TIMER, null)).isEqualTo("moveapi_move_latency_seconds");
    assertThat(prometheus.name("move.conflicts", Meter.Type.COUNTER, null)).isEqualTo("moveapi_move_conflicts");
    assertThat(prometheus.name("stream.events.delivered", Meter.Type.COUNTER, null)).isEqualTo("moveapi_stream_events_delivered");
    assertThat(prometheus.name("stream.open", Meter.Type.GAUGE, null)).isEqualTo("moveapi_stream_open");
    assertThat(prometheus.name("jvm.memory.used", Meter.Type.GAUGE, "bytes")).isEqualTo("jvm_memory_used_bytes");
    assertThat(prometheus.name("vertx.http.server.requests", Meter.Type.COUNTER, null)).isEqualTo("vertx_http_server_requests");
    assertThat(prometheus.tagKey("environment")).isEqualTo("environment");
  }

  @Test
  void cloudWatchGetsTheShopsPublishedNamesAndDimensions() {
    NamingConvention cloudWatch = MeterNames.cloudWatch();
    assertThat(cloudWatch.name("move.latency.sum", Meter.Type.TIMER, null)).isEqualTo("MoveLatency.sum");
    assertThat(cloudWatch.name("move.conflicts.count", Meter.Type.COUNTER, null)).isEqualTo("OCCConflicts.count");
    assertThat(cloudWatch.name("move.outcomes.count", Meter.Type.COUNTER, null)).isEqualTo("MoveOutcomes.count");
    assertThat(cloudWatch.name("move.deadlock.retries.count", Meter.Type.COUNTER, null)).isEqualTo("DeadlockRetries.count");
    assertThat(cloudWatch.tagKey("service")).isEqualTo("Service");
    assertThat(cloudWatch.tagKey("environment")).isEqualTo("Environment");
    assertThat(cloudWatch.tagKey("outcome")).isEqualTo("outcome");
  }

  @Test
  void httpLabelsAreFoldedToBoundedValues() {
    assertThat(HttpServerMeters.method("GET")).isEqualTo("GET");
    assertThat(HttpServerMeters.method("M0001XXX")).isEqualTo("OTHER");
    assertThat(HttpServerMeters.method("get")).isEqualTo("OTHER");
    assertThat(HttpServerMeters.route("/api/admin/*>/api/admin/appointments/:id/move>/api/admin/appointments/:id/move"))
        .isEqualTo("/api/admin/appointments/:id/move");
    assertThat(HttpServerMeters.route("")).isEqualTo("unmatched");
    assertThat(HttpServerMeters.statusClass("404")).isEqualTo("4xx");
  }
}
