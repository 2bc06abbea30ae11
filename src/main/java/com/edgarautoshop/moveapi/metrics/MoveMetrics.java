package com.edgarautoshop.moveapi.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The move's own meters. Recording only updates in-memory counters and timers; the registries read
 * them on their own schedule, so a move never waits for a metrics backend.
 *
 * <p>Every meter is registered here, at start, so each is published from the first step on, with
 * an explicit zero when nothing happened (a rate or an alarm needs the zero, not a gap).
 */
public final class MoveMetrics {
  public static final String LATENCY = "move.latency";
  public static final String CONFLICTS = "move.conflicts";
  public static final String OUTCOMES = "move.outcomes";
  public static final String DEADLOCK_RETRIES = "move.deadlock.retries";
  /** The answers a move can end in (contract); anything else is counted as "other". */
  static final List<Integer> OUTCOME_STATUSES = List.of(200, 404, 409, 422, 503, 504);

  private final Timer latency;
  private final Counter conflicts;
  private final Counter deadlockRetries;
  private final Map<Integer, Counter> outcomes;
  private final Counter otherOutcome;

  MoveMetrics(MeterRegistry registry) {
    latency = Timer.builder(LATENCY)
        .description("Time from a move request's validation to its answer, every attempt")
        .publishPercentileHistogram()
        .register(registry);
    conflicts = Counter.builder(CONFLICTS)
        .description("Moves answered 409 version_conflict by the optimistic concurrency check")
        .register(registry);
    deadlockRetries = Counter.builder(DEADLOCK_RETRIES)
        .description("Moves retried once after a deadlock or serialization failure")
        .register(registry);
    outcomes = OUTCOME_STATUSES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), s -> outcome(registry, String.valueOf(s))));
    otherOutcome = outcome(registry, "other");
  }

  private static Counter outcome(MeterRegistry registry, String outcome) {
    return Counter.builder(OUTCOMES).description("Moves by the HTTP status they were answered with").tag("outcome", outcome).register(registry);
  }

  /** A move that reached the database was answered with {@code status}; {@code conflict} when the OCC check lost. */
  public void answered(int status, boolean conflict, long startedNanos) {
    latency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    outcomes.getOrDefault(status, otherOutcome).increment();
    if (conflict) {
      conflicts.increment();
    }
  }

  public void deadlockRetried() {
    deadlockRetries.increment();
  }
}
