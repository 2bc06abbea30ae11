package com.edgarautoshop.moveapi.metrics;

import com.edgarautoshop.moveapi.config.AppConfig.MetricsSettings;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;

/**
 * The service's one composite registry: Prometheus always (scraped at GET /metrics on the metrics
 * port), CloudWatch when enabled. Vert.x reports its HTTP server and pool meters into the same
 * registry; JVM and process meters come from Micrometer's binders. Names: {@link MeterNames}.
 */
public final class Metrics {
  public static final String SERVICE = "MoveAPI";
  /** The route label of requests no route answered (the router's last route carries this name). */
  public static final String UNMATCHED_ROUTE = HttpServerMeters.UNMATCHED_ROUTE;
  /** A publish never outlives this, so a slow or black-holed endpoint cannot pile up requests. */
  private static final Duration MAX_PUBLISH_TIME = Duration.ofSeconds(10);

  private final CompositeMeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Optional<CloudWatch> cloudWatch;
  private final MoveMetrics moves;
  private final JvmGcMetrics gc;

  /** The registry and the client it publishes with; the registry does not close the client. */
  private record CloudWatch(CloudWatchMeterRegistry registry, CloudWatchAsyncClient client) {}

  private Metrics(CompositeMeterRegistry registry, PrometheusMeterRegistry prometheus, Optional<CloudWatch> cloudWatch) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.cloudWatch = cloudWatch;
    this.moves = new MoveMetrics(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** Builds the registries; the CloudWatch one starts its own publishing thread at once. */
  public static Metrics create(MetricsSettings settings) {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    composite.config()
        .commonTags(Tags.of(MeterNames.SERVICE_TAG, SERVICE, MeterNames.ENVIRONMENT_TAG, settings.environment()))
        .meterFilter(HttpServerMeters.filter());
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus.config().namingConvention(MeterNames.prometheus());
    composite.add(prometheus);
    Optional<CloudWatch> cloudWatch = Optional.empty();
    if (settings.cloudWatchEnabled()) {
      CloudWatchAsyncClient client = cloudWatchClient(settings);
      CloudWatchMeterRegistry cw = new CloudWatchMeterRegistry(cloudWatchConfig(settings), Clock.SYSTEM, client);
      // Only the move's meters go to CloudWatch: every name and dimension set there is a billed custom metric.
      cw.config()
          .namingConvention(MeterNames.cloudWatch())
          .meterFilter(MeterFilter.denyUnless(id -> MeterNames.CLOUDWATCH_NAMES.containsKey(id.getName())));
      composite.add(cw);
      cloudWatch = Optional.of(new CloudWatch(cw, client));
    }
    return new Metrics(composite, prometheus, cloudWatch);
  }

  private static CloudWatchConfig cloudWatchConfig(MetricsSettings settings) {
    return new CloudWatchConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public String namespace() {
        return settings.cloudWatchNamespace();
      }

      @Override
      public Duration step() {
        return settings.cloudWatchStep();
      }

      // The registry waits this long for a PutMetricData answer on its own thread; match the SDK's bound.
      @Override
      @SuppressWarnings("deprecation")
      public Duration readTimeout() {
        return publishTimeout(settings);
      }
    };
  }

  private static Duration publishTimeout(MetricsSettings settings) {
    return settings.cloudWatchStep().compareTo(MAX_PUBLISH_TIME) < 0 ? settings.cloudWatchStep() : MAX_PUBLISH_TIME;
  }

  /** The SDK's async client with the default credential chain (the ECS task role in production). */
  private static CloudWatchAsyncClient cloudWatchClient(MetricsSettings settings) {
    CloudWatchAsyncClientBuilder builder = CloudWatchAsyncClient.builder()
        .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(publishTimeout(settings)).build());
    settings.awsRegion().map(Region::of).ifPresent(builder::region);
    settings.cloudWatchEndpoint().ifPresent(builder::endpointOverride);
    return new QuietFailuresCloudWatchClient(builder.build());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Vert.x's own meters, with bounded labels ({@link HttpServerMeters}). */
  public static MicrometerMetricsOptions vertxOptions() {
    return HttpServerMeters.vertxOptions();
  }

  public MoveMetrics moves() {
    return moves;
  }

  /** GET /metrics: the Prometheus text exposition format. */
  public void scrape(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(prometheus.scrape());
  }

  /** Stops the CloudWatch thread after a last publish; blocks up to the publish timeout, so never call it on an event loop. */
  public void close() {
    gc.close();
    cloudWatch.ifPresent(cw -> {
      cw.registry().close();
      cw.client().close();
    });
    registry.close();
  }
}
