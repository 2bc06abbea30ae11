package com.edgarautoshop.moveapi.metrics;

import static com.edgarautoshop.moveapi.testing.CloudFormation.list;
import static com.edgarautoshop.moveapi.testing.CloudFormation.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.BlackHoleEndpoint;
import com.edgarautoshop.moveapi.testing.CloudFormation;
import com.edgarautoshop.moveapi.testing.LocalCloudWatch;
import com.edgarautoshop.moveapi.testing.LocalCloudWatch.Datum;
import com.edgarautoshop.moveapi.testing.MetricMath;
import com.edgarautoshop.moveapi.testing.TestService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real CloudWatch registry and AWS SDK client publishing to an endpoint on 127.0.0.1, checked
 * against the alarms in deploy/alarms.yaml as CloudFormation would deploy them for this environment.
 */
class MetricsPublishingTest {
  private static final String ENVIRONMENT = "publish-test";
  private static final int CONFLICTS = 31;

  @BeforeAll
  static void fakeCredentials() {
    // The default credential chain reads these first; no real AWS account is involved.
    System.setProperty("aws.accessKeyId", "local-test");
    System.setProperty("aws.secretAccessKey", "local-test");
  }

  @AfterAll
  static void forgetCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private static Map<String, String> cloudWatchEnv(String endpoint) {
    return Map.of("CLOUDWATCH_ENABLED", "true", "CLOUDWATCH_ENDPOINT", endpoint, "AWS_REGION", "us-east-1",
        "CLOUDWATCH_STEP", "1", "APP_ENV", ENVIRONMENT);
  }

  @Test
  void publishedMetricsAreExactlyWhatTheAlarmsWatch() throws Exception {
    CloudFormation template = CloudFormation.load(Path.of("deploy/alarms.yaml"), Map.of("Environment", ENVIRONMENT));
    try (LocalCloudWatch cloudWatch = new LocalCloudWatch(); TestService service = TestService.start(cloudWatchEnv(cloudWatch.endpoint()))) {
      Api api = service.api();
      await(() -> !cloudWatch.data().isEmpty(), "a first publish");
      String id = api.createCard(Api.freshDate(), 9).getString("id");
      assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
      for (int i = 0; i < CONFLICTS; i++) {
        assertThat(api.move(id, "ready", 1).status()).isEqualTo(409);
      }
      int moves = CONFLICTS + 1;

      // Every metric of the service's namespace that an alarm watches arrives under exactly its name, dimensions and unit.
      Map<String, Map<String, Object>> ownMetrics = new TreeMap<>();
      template.resourcesOfType("AWS::CloudWatch::Alarm").keySet().forEach(alarm -> {
        Map<String, Object> properties = template.resolvedProperties(alarm);
        if (properties.containsKey("Metrics")) {
          list(properties.get("Metrics")).stream().filter(q -> q.containsKey("MetricStat")).forEach(q -> {
            Map<String, Object> stat = map(q.get("MetricStat"));
            ownMetrics.put(alarm + "/" + q.get("Id"), withUnit(map(stat.get("Metric")), stat.get("Unit")));
          });
        } else {
          ownMetrics.put(alarm, withUnit(properties, properties.get("Unit")));
        }
      });
      ownMetrics.values().removeIf(metric -> !"EdgarAutoShop/MoveAPI".equals(metric.get("Namespace")));
      assertThat(ownMetrics).as("alarms on the service's own metrics").containsKeys(
          "HighConflictRateAlarm/conflicts", "HighConflictRateAlarm/moves", "MoveErrorRateAlarm/unavailable", "MetricsMissingAlarm");
      for (Map<String, Object> metric : ownMetrics.values()) {
        await(() -> !watched(cloudWatch, metric).isEmpty(), "the series " + metric.get("MetricName") + " " + metric.get("Dimensions"));
      }
      assertThat(watched(cloudWatch, ownMetrics.get("HighConflictRateAlarm/conflicts")))
          .as("a zero is published while nothing happens").anyMatch(d -> d.value() == 0);

      Map<String, Object> conflictAlarm = template.resolvedProperties("HighConflictRateAlarm");
      await(() -> sum(watched(cloudWatch, ownMetrics.get("HighConflictRateAlarm/moves"))) >= moves, "every move to be published");
      Map<String, Double> window = Map.of(
          "conflicts", sum(watched(cloudWatch, ownMetrics.get("HighConflictRateAlarm/conflicts"))),
          "moves", sum(watched(cloudWatch, ownMetrics.get("HighConflictRateAlarm/moves"))));
      assertThat(window).as("one count per move attempt, one conflict per 409").isEqualTo(Map.of("conflicts", (double) CONFLICTS, "moves", (double) moves));
      assertThat(MetricMath.breaches(conflictAlarm, window)).as("31 conflicts in 32 moves fire the conflict-ratio alarm").isTrue();

      Map<String, Object> errorAlarm = template.resolvedProperties("MoveErrorRateAlarm");
      Map<String, Double> errors = Map.of(
          "unavailable", sum(watched(cloudWatch, ownMetrics.get("MoveErrorRateAlarm/unavailable"))),
          "failed", sum(watched(cloudWatch, ownMetrics.get("MoveErrorRateAlarm/failed"))),
          "moves", sum(watched(cloudWatch, ownMetrics.get("MoveErrorRateAlarm/moves"))));
      assertThat(MetricMath.breaches(errorAlarm, errors)).as("no move failed").isFalse();
      assertThat(cloudWatch.actions()).containsOnly("PutMetricData");
      // Micrometer names inside (move.latency, …); the shop's published names and dimensions outside, and nothing else.
      assertThat(cloudWatch.data()).allSatisfy(d -> {
        assertThat(d.namespace()).isEqualTo("EdgarAutoShop/MoveAPI");
        assertThat(d.name()).isIn("MoveLatency.sum", "MoveLatency.count", "MoveLatency.avg", "MoveLatency.max",
            "OCCConflicts.count", "MoveOutcomes.count", "DeadlockRetries.count");
        assertThat(d.dimensions()).containsEntry("Service", "MoveAPI").containsEntry("Environment", ENVIRONMENT);
        assertThat(d.dimensions().keySet()).isSubsetOf("Service", "Environment", "outcome");
      });
      assertThat(cloudWatch.data()).anyMatch(d -> d.name().equals("MoveOutcomes.count") && "200".equals(d.dimensions().get("outcome")))
          .anyMatch(d -> d.name().equals("DeadlockRetries.count"));
    }
  }

  /**
   * Not blocked by the publisher, proven without a clock: moves that begin and end while one and
   * the same PutMetricData request hangs unanswered did not wait for it. (The timing of moves
   * against a hanging endpoint is a figure for {@link PublishingBenchmark}, not a test bound.)
   */
  @Test
  void movesCompleteWhileAPublishHangs() throws Exception {
    try (BlackHoleEndpoint blackHole = new BlackHoleEndpoint();
        TestService service = TestService.start(cloudWatchEnv(blackHole.endpoint()))) {
      Api api = service.api();
      String id = api.createCard(Api.freshDate(), 9).getString("id");
      int[] version = {1};
      int[] overlapping = {0};
      await(() -> {
        Set<Integer> hangingBefore = blackHole.pending();
        Reply reply = api.move(id, version[0] % 2 == 1 ? "in_progress" : "scheduled", version[0]);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().getInteger("version")).isEqualTo(++version[0]);
        Set<Integer> hangingAfter = new HashSet<>(blackHole.pending());
        hangingAfter.retainAll(hangingBefore);
        if (!hangingAfter.isEmpty()) {
          overlapping[0]++;
        }
        return overlapping[0] >= 20;
      }, "20 moves that began and ended during one hanging publish");
      assertThat(api.historyCount(id)).isEqualTo(version[0] - 1);
    }
  }

  private static Map<String, Object> withUnit(Map<String, Object> metric, Object unit) {
    Map<String, Object> copy = new java.util.HashMap<>(metric);
    copy.put("Unit", unit);
    return copy;
  }

  /** The data published under the alarm metric's namespace, name, exact dimension set and unit. */
  private static List<Datum> watched(LocalCloudWatch cloudWatch, Map<String, Object> metric) {
    Map<String, String> dimensions = list(metric.get("Dimensions")).stream()
        .collect(Collectors.toMap(d -> (String) d.get("Name"), d -> (String) d.get("Value"), (a, b) -> a, TreeMap::new));
    assertThat(dimensions).containsEntry("Service", "MoveAPI").containsEntry("Environment", ENVIRONMENT);
    List<Datum> data = cloudWatch.data().stream()
        .filter(d -> d.namespace().equals(metric.get("Namespace")) && d.name().equals(metric.get("MetricName")) && d.dimensions().equals(dimensions))
        .toList();
    assertThat(data).as("unit of " + metric.get("MetricName")).allMatch(d -> d.unit().equals(metric.get("Unit")));
    return data;
  }

  private static double sum(List<Datum> data) {
    return data.stream().mapToDouble(Datum::value).sum();
  }

  private static void await(BooleanSupplier condition, String what) {
    Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
  }

}
