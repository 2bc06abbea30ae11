package com.edgarautoshop.moveapi.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The board streams' meters; recording only touches in-memory meters. */
public final class StreamMetrics {
  private final MeterRegistry registry;
  private final Counter delivered;
  private final Timer lag;
  private final Counter refused;
  private final Map<String, Counter> resyncs = new ConcurrentHashMap<>();

  public StreamMetrics(MeterRegistry registry, StreamHub hub) {
    this.registry = registry;
    Gauge.builder("stream.open", hub, StreamHub::openStreams)
        .description("Board streams open on this instance").register(registry);
    delivered = Counter.builder("stream.events.delivered")
        .description("Events written to board streams (one per stream that received it, replays included)").register(registry);
    lag = Timer.builder("stream.lag")
        .description("Age of an event when this instance's reader read it: from its transaction's start to the read")
        .publishPercentileHistogram().register(registry);
    refused = Counter.builder("stream.refused")
        .description("Board streams refused with 429 (per-user or per-instance cap)").register(registry);
  }

  void delivered() {
    delivered.increment();
  }

  void age(double milliseconds) {
    lag.record(Math.max(0, (long) (milliseconds * 1000)), TimeUnit.MICROSECONDS);
  }

  void refused() {
    refused.increment();
  }

  /** Reasons are a small fixed set of our own constants. */
  void resync(String reason) {
    resyncs.computeIfAbsent(reason, r -> Counter.builder("stream.resyncs")
        .description("resync events sent to board streams, by reason").tag("reason", r).register(registry)).increment();
  }
}
