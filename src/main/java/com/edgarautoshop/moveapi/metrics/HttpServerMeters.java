package com.edgarautoshop.moveapi.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Vert.x's HTTP server meters with bounded labels only, since anyone who can reach the port chooses
 * the method and path: the route template (never the raw path), the method from a fixed set
 * (anything else is {@code OTHER}) and the status class. Vert.x's own method label carries the
 * method as sent, so it is off and the folded one is added before any meter sees the request.
 */
final class HttpServerMeters {
  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  static final String OTHER_METHOD = "OTHER";
  static final String UNMATCHED_ROUTE = "unmatched";
  private static final String PREFIX = "vertx.http.server.";
  /* Vert.x 5.0's active-requests gauge drifted below zero (-294 on main) once streams had closed; dropped. */
  private static final String ACTIVE_REQUESTS = PREFIX + "active.requests";
  private static final String RESPONSE_TIME = PREFIX + "response.time";
  /** Few fixed buckets (5 ms … 5 s, the request timeout's range), so that a route's p95/p99 costs a dozen series, not Micrometer's 70. */
  private static final double[] LATENCY_BUCKETS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private HttpServerMeters() {}

  static MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE))
        .setServerRequestTagsProvider(request -> Tags.of("method", method(request.method().name())));
  }

  static String method(String sent) {
    return METHODS.contains(sent) ? sent : OTHER_METHOD;
  }

  /** Vert.x joins every named route a request passed with '>'; the last one is where it was answered. */
  static String route(String routes) {
    String last = routes.substring(routes.lastIndexOf('>') + 1);
    return last.isEmpty() ? UNMATCHED_ROUTE : last;
  }

  static String statusClass(String code) {
    return code.length() == 3 ? code.charAt(0) + "xx" : "other";
  }

  static MeterFilter filter() {
    return new MeterFilter() {
      @Override
      public MeterFilterReply accept(Meter.Id id) {
        return id.getName().equals(ACTIVE_REQUESTS)
            ? MeterFilterReply.DENY
            : MeterFilterReply.NEUTRAL;
      }

      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(RESPONSE_TIME)) {
          return config;
        }
        double[] nanos = Arrays.stream(LATENCY_BUCKETS_SECONDS).map(s -> s * 1e9).toArray();
        return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
      }

      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(PREFIX)) {
          return id;
        }
        List<Tag> tags = new ArrayList<>();
        for (Tag tag : id.getTagsAsIterable()) {
          tags.add(switch (tag.getKey()) {
            case "code" -> Tag.of("status", statusClass(tag.getValue()));
            case "route" -> Tag.of("route", route(tag.getValue()));
            default -> tag;
          });
        }
        return id.replaceTags(tags);
      }
    };
  }
}
