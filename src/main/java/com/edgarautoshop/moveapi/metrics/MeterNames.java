package com.edgarautoshop.moveapi.metrics;

import io.micrometer.cloudwatch2.CloudWatchNamingConvention;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import java.util.List;
import java.util.Map;

/**
 * Meters are named the Micrometer way ({@code move.latency}, {@code stream.open}); each backend
 * renders them in its own convention. Prometheus: snake_case, the service's own meters under the
 * common prefix {@code moveapi_}, library families (JVM, process, Vert.x) as their binders name
 * them. CloudWatch: the shop's published names, which dashboards and alarms already use.
 */
final class MeterNames {
  static final String SERVICE_TAG = "service";
  static final String ENVIRONMENT_TAG = "environment";
  static final String PROMETHEUS_PREFIX = "moveapi.";
  /** Families named by Micrometer's and Vert.x's binders; every other meter is the service's own. */
  private static final List<String> LIBRARY_FAMILIES = List.of("jvm.", "process.", "system.", "vertx.");
  /** Micrometer name → the name published to CloudWatch (the registry adds .count, .sum, .avg, .max). */
  static final Map<String, String> CLOUDWATCH_NAMES = Map.of(
      MoveMetrics.LATENCY, "MoveLatency",
      MoveMetrics.CONFLICTS, "OCCConflicts",
      MoveMetrics.OUTCOMES, "MoveOutcomes",
      MoveMetrics.DEADLOCK_RETRIES, "DeadlockRetries");
  private static final Map<String, String> CLOUDWATCH_DIMENSIONS = Map.of(SERVICE_TAG, "Service", ENVIRONMENT_TAG, "Environment");

  private MeterNames() {}

  static NamingConvention prometheus() {
    return new PrometheusNamingConvention() {
      @Override
      public String name(String name, Meter.Type type, String baseUnit) {
        boolean library = LIBRARY_FAMILIES.stream().anyMatch(name::startsWith);
        return super.name(library ? name : PROMETHEUS_PREFIX + name, type, baseUnit);
      }
    };
  }

  /** CloudWatch's convention (it truncates to CloudWatch's limits) around the shop's names. */
  static NamingConvention cloudWatch() {
    return new CloudWatchNamingConvention(new NamingConvention() {
      @Override
      public String name(String name, Meter.Type type, String baseUnit) {
        return cloudWatchName(name);
      }

      @Override
      public String tagKey(String key) {
        return CLOUDWATCH_DIMENSIONS.getOrDefault(key, key);
      }
    });
  }

  /** {@code move.latency.sum} → {@code MoveLatency.sum}: the registry appends its statistic to the meter's name. */
  static String cloudWatchName(String name) {
    for (Map.Entry<String, String> published : CLOUDWATCH_NAMES.entrySet()) {
      String meter = published.getKey();
      if (name.equals(meter) || name.startsWith(meter + ".")) {
        return published.getValue() + name.substring(meter.length());
      }
    }
    return name;
  }
}
