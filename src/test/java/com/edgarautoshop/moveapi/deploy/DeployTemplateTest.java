package com.edgarautoshop.moveapi.deploy;

import static com.edgarautoshop.moveapi.testing.CloudFormation.list;
import static com.edgarautoshop.moveapi.testing.CloudFormation.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.testing.CloudFormation;
import com.edgarautoshop.moveapi.testing.MetricMath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/move-api.yaml and deploy/alarms.yaml against the service's own behaviour: the task
 * definition's environment and secrets are read by the real AppConfig, as ECS would inject them, so
 * the load balancer and ECS timings are checked against what the service will actually do, and a
 * misspelt variable or secret key cannot slip through; the alarms' metric math is evaluated.
 */
class DeployTemplateTest {
  private static final Path TEMPLATE = Path.of("deploy/move-api.yaml");
  private static final Path ALARMS = Path.of("deploy/alarms.yaml");
  private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:moveapi/db-AbCdEf";
  /** The parameters without defaults, as `aws cloudformation deploy --parameter-overrides` gives them. */
  private static final Map<String, String> DEPLOYMENT = Map.of(
      "AWS::Region", "eu-west-1",
      "ImageTag", "1.0.0",
      "DbSecretArn", SECRET_ARN,
      "DbInstanceIdentifier", "moveapi-db",
      "JwtIssuer", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example",
      "JwtAudience", "board-client",
      "JwtJwksUrl", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example/.well-known/jwks.json");
  /** A secret in the JSON form of RDS and Secrets Manager rotation, as ECS would read its keys. */
  private static final JsonObject JSON_SECRET = new JsonObject().put("engine", "postgres").put("username", "moveapi")
      .put("password", "s3cret").put("host", "db.internal").put("port", 5432).put("dbname", "moveapi");
  /** The DATABASE_URL form of the secret. */
  private static final String URL_SECRET = "postgresql://moveapi:s3cret@db.internal:5432/moveapi?sslmode=require";
  /** Metrics.MAX_PUBLISH_TIME (private there): on stop, the last CloudWatch publish waits up to this. */
  private static final Duration LAST_PUBLISH = Duration.ofSeconds(10);

  /** A deployment of the template with these parameters besides {@link #DEPLOYMENT}. */
  private static CloudFormation template(Map<String, String> parameters) throws IOException {
    Map<String, String> all = new HashMap<>(DEPLOYMENT);
    all.putAll(parameters);
    return CloudFormation.load(TEMPLATE, all);
  }

  private static Map<String, Object> container(CloudFormation template) {
    return list(template.resolvedProperties("TaskDefinition").get("ContainerDefinitions")).get(0);
  }

  /** The container's environment as ECS starts it: Environment plus each secret's value or JSON key. */
  private static Map<String, String> ecsEnvironment(CloudFormation template) {
    Map<String, String> env = new HashMap<>();
    Map<String, Object> container = container(template);
    list(container.get("Environment")).forEach(v -> env.put((String) v.get("Name"), String.valueOf(v.get("Value"))));
    list(container.get("Secrets")).forEach(secret -> env.put((String) secret.get("Name"), secretValue((String) secret.get("ValueFrom"))));
    return env;
  }

  /** What ECS injects for a ValueFrom: the whole secret, or one JSON key of it (arn:key:stage:version). */
  private static String secretValue(String valueFrom) {
    if (valueFrom.equals(SECRET_ARN)) {
      return URL_SECRET;
    }
    assertThat(valueFrom).as("ValueFrom of a JSON key").startsWith(SECRET_ARN + ":").endsWith("::");
    String key = valueFrom.substring(SECRET_ARN.length() + 1, valueFrom.length() - 2);
    assertThat(JSON_SECRET.containsKey(key)).as("the secret has the key " + key).isTrue();
    return String.valueOf(JSON_SECRET.getValue(key));
  }

  /** AppConfig reading the container's environment; {@code namesRead} collects every variable it looked up. */
  private static AppConfig config(CloudFormation template, Set<String> namesRead) {
    Map<String, String> env = new HashMap<>() {
      @Override
      public String get(Object name) {
        namesRead.add((String) name);
        return super.get(name);
      }
    };
    env.putAll(ecsEnvironment(template));
    return AppConfig.from(env);
  }

  private static AppConfig config(CloudFormation template) {
    return config(template, new HashSet<>());
  }

  @Test
  void everyVariableTheTaskSetsIsOneTheServiceReads() throws IOException {
    for (Map<String, String> parameters : List.of(Map.of("DbSecretFormat", "json"), Map.of("DbSecretFormat", "url"),
        Map.of("DbSecretFormat", "json", "DbHost", "db.internal"))) {
      CloudFormation template = template(parameters);
      Set<String> namesRead = new HashSet<>();
      AppConfig config = config(template, namesRead);
      assertThat(namesRead).as("variables AppConfig reads, with " + parameters).containsAll(ecsEnvironment(template).keySet());
      assertThat(config.authMode()).isEqualTo(AppConfig.AuthMode.JWT);
      assertThat(config.host()).as("listens beyond loopback, for the load balancer").isEqualTo("0.0.0.0");
      assertThat(config.metrics().cloudWatchEnabled()).isTrue();
      AppConfig.DatabaseUrl db = config.database().orElseThrow();
      assertThat(List.of(db.host(), db.port(), db.database(), db.user(), db.password(), db.sslMode()))
          .as("the database AppConfig builds with " + parameters).containsExactly("db.internal", 5432, "moveapi", "moveapi", "s3cret", "require");
    }
  }

  @Test
  void credentialsComeOnlyFromTheSecretByJsonKeyOrAsAWholeUrl() throws IOException {
    String arnPattern = (String) template(Map.of()).parameterSpec("DbSecretArn").get("AllowedPattern");
    assertThat(List.of(SECRET_ARN, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf"))
        .as("a hand-made and an RDS-managed secret").allMatch(arn -> arn.matches(arnPattern));
    Map<String, String> json = secrets(template(Map.of()));
    assertThat(template(Map.of()).parameter("DbSecretFormat")).as("the default, which survives a rotation").isEqualTo("json");
    assertThat(json).containsExactlyInAnyOrderEntriesOf(Map.of("PGUSER", SECRET_ARN + ":username::", "PGPASSWORD", SECRET_ARN + ":password::",
        "PGHOST", SECRET_ARN + ":host::", "PGPORT", SECRET_ARN + ":port::", "PGDATABASE", SECRET_ARN + ":dbname::"));

    // An RDS-managed master secret holds only username and password: the rest comes from parameters.
    CloudFormation hostGiven = template(Map.of("DbHost", "db.internal", "DbName", "moveapi"));
    assertThat(secrets(hostGiven)).containsOnlyKeys("PGUSER", "PGPASSWORD");
    assertThat(ecsEnvironment(hostGiven)).containsEntry("PGHOST", "db.internal").containsEntry("PGPORT", "5432");

    CloudFormation url = template(Map.of("DbSecretFormat", "url"));
    assertThat(secrets(url)).containsExactly(Map.entry("DATABASE_URL", SECRET_ARN));
    assertThat(list(container(url).get("Environment"))).extracting(v -> (String) v.get("Name")).noneMatch(name -> name.startsWith("PG"));

    for (CloudFormation template : List.of(template(Map.of()), hostGiven, url)) {
      assertThat(list(container(template).get("Environment"))).extracting(v -> (String) v.get("Name"))
          .doesNotContain("DATABASE_URL", "PGUSER", "PGPASSWORD");
    }
    Map<String, Object> policy = list(template(Map.of()).resolvedProperties("ExecutionRole").get("Policies")).get(0);
    assertThat(list(map(policy.get("PolicyDocument")).get("Statement")))
        .containsExactly(Map.of("Effect", "Allow", "Action", "secretsmanager:GetSecretValue", "Resource", SECRET_ARN));
    String key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    Map<String, Object> withKey = list(template(Map.of("DbSecretKmsKeyArn", key)).resolvedProperties("ExecutionRole").get("Policies")).get(0);
    assertThat(list(map(withKey.get("PolicyDocument")).get("Statement"))).anySatisfy(statement ->
        assertThat(statement).containsEntry("Action", "kms:Decrypt").containsEntry("Resource", key));
  }

  @Test
  void loadBalancerAndEcsTimingsFitTheServiceShutdown() throws IOException {
    CloudFormation template = template(Map.of());
    AppConfig config = config(template);
    Duration requestTimeout = config.requestTimeout();
    // HttpVerticle.stop gives in-flight requests the request timeout + 1 s after the drain.
    Duration shutdownWindow = config.shutdownDrain().plus(requestTimeout).plusSeconds(1);
    for (String group : List.of("TargetGroup", "MoveTargetGroup")) {
      Map<String, Object> targetGroup = template.resolvedProperties(group);
      Duration deregistrationDelay = Duration.ofSeconds(Long.parseLong(attribute(targetGroup.get("TargetGroupAttributes"),
          "deregistration_delay.timeout_seconds")));
      assertThat(deregistrationDelay).as(group + ": ECS deregisters, waits this, then sends SIGTERM: requests must be done")
          .isGreaterThan(requestTimeout);
      assertThat(deregistrationDelay).as(group + ": the load balancer is done with a task before the task stops serving")
          .isLessThan(shutdownWindow);
      assertThat(targetGroup).containsEntry("HealthCheckPath", "/readyz").containsEntry("Matcher", Map.of("HttpCode", "200"));
      assertThat(((Number) targetGroup.get("HealthCheckTimeoutSeconds")).intValue())
          .isLessThan(((Number) targetGroup.get("HealthCheckIntervalSeconds")).intValue());
    }
    assertThat(template.properties("MoveTargetGroup")).as("the move's target group behaves like the other")
        .isEqualTo(template.properties("TargetGroup"));

    Duration stopTimeout = Duration.ofSeconds(((Number) container(template).get("StopTimeout")).longValue());
    assertThat(stopTimeout).as("SIGKILL comes after the drain, the in-flight requests and the last metrics publish")
        .isGreaterThanOrEqualTo(shutdownWindow.plus(LAST_PUBLISH));

    Duration idleTimeout = Duration.ofSeconds(Long.parseLong(
        attribute(template.resolvedProperties("LoadBalancer").get("LoadBalancerAttributes"), "idle_timeout.timeout_seconds")));
    assertThat(idleTimeout).as("a quiet stream's heartbeat comes before the ALB's idle timeout").isGreaterThan(config.streamHeartbeat());
  }

  @Test
  void theTaskRunsTheImagesOwnHealthCheck() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
    Matcher healthcheck = Pattern.compile("(?m)^HEALTHCHECK (.*?)\\s+CMD (\\[.*])$").matcher(dockerfile);
    assertThat(healthcheck.find()).as("the Dockerfile's HEALTHCHECK").isTrue();
    Map<String, String> options = Pattern.compile("--([a-z-]+)=([0-9]+)s?").matcher(healthcheck.group(1)).results()
        .collect(Collectors.toMap(m -> m.group(1), m -> m.group(2)));
    List<Object> command = new ArrayList<>(List.of("CMD"));
    command.addAll(new JsonArray(healthcheck.group(2)).getList());

    Map<String, Object> check = map(container(template(Map.of())).get("HealthCheck"));
    assertThat(check.get("Command")).isEqualTo(command);
    assertThat(Map.of("interval", check.get("Interval"), "timeout", check.get("Timeout"), "start-period", check.get("StartPeriod"),
        "retries", check.get("Retries")).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue()))))
        .isEqualTo(options);
  }

  @Test
  void onlyTheLoadBalancerReachesTheTasksAndOnlyTheTasksReachTheDatabase() throws IOException {
    CloudFormation template = template(Map.of());
    int port = config(template).port();
    List<Map<String, Object>> intoTasks = ingressRules(template, Map.of("Ref", "TaskSecurityGroup"));
    assertThat(intoTasks).as("nothing else, METRICS_PORT included, is reachable").isNotEmpty().allSatisfy(rule -> {
      assertThat(rule).containsEntry("SourceSecurityGroupId", Map.of("Ref", "AlbSecurityGroup")).doesNotContainKey("CidrIp");
      assertThat(ports(rule)).isEqualTo(List.of(port, port));
    });
    List<Map<String, Object>> intoDatabase = ingressRules(template, Map.of("Ref", "DbSecurityGroupId"));
    assertThat(intoDatabase).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule).containsEntry("SourceSecurityGroupId", Map.of("Ref", "TaskSecurityGroup")).doesNotContainKey("CidrIp");
      assertThat(ports(rule)).isEqualTo(List.of(5432, 5432));
    });
    assertThat(ingressRules(template, Map.of("Ref", "AlbSecurityGroup"))).extracting(DeployTemplateTest::ports)
        .containsExactlyInAnyOrder(List.of(443, 443), List.of(80, 80));
  }

  @Test
  void theListenerSendsHstsHidesMetricsAndGivesTheMoveItsOwnTargetGroup() throws IOException {
    CloudFormation template = template(Map.of());
    Map<String, Object> https = template.resolvedProperties("HttpsListener");
    assertThat(https).containsEntry("Protocol", "HTTPS");
    String hsts = attribute(https.get("ListenerAttributes"), "routing.http.response.strict_transport_security.header_value");
    assertThat(hsts).matches("max-age=\\d+(; .*)?");
    assertThat(Long.parseLong(hsts.replaceAll("max-age=(\\d+).*", "$1"))).as("a year at least").isGreaterThanOrEqualTo(31_536_000L);

    Map<String, Object> metrics = template.resolvedProperties("MetricsNotFoundRule");
    Map<String, Object> move = template.resolvedProperties("MoveRule");
    assertThat(pathPatterns(metrics)).contains("/metrics", "/metrics*");
    Map<String, Object> notFound = list(metrics.get("Actions")).get(0);
    assertThat(notFound).containsEntry("Type", "fixed-response");
    assertThat(map(notFound.get("FixedResponseConfig"))).containsEntry("StatusCode", "404");
    assertThat(new JsonObject((String) map(notFound.get("FixedResponseConfig")).get("MessageBody")).getJsonObject("error").getString("code"))
        .as("the contract's envelope").isEqualTo("not_found");
    assertThat(((Number) metrics.get("Priority")).intValue()).as("the 404 is matched before any forward").isLessThan(((Number) move.get("Priority")).intValue());

    assertThat(pathPatterns(move)).containsExactly("/api/admin/appointments/*/move");
    assertThat(list(move.get("Actions")).get(0)).containsEntry("TargetGroupArn", Map.of("Ref", "MoveTargetGroup"));
    assertThat(list(https.get("DefaultActions")).get(0)).containsEntry("TargetGroupArn", Map.of("Ref", "TargetGroup"));
  }

  @Test
  void accessLogsGoToTheStacksBucketWhenTheParameterSaysSo() throws IOException {
    CloudFormation on = template(Map.of("Environment", "staging"));
    assertThat(on.parameter("AccessLogsEnabled")).isEqualTo("true");
    Object attributes = on.resolvedProperties("LoadBalancer").get("LoadBalancerAttributes");
    assertThat(attribute(attributes, "access_logs.s3.enabled")).isEqualTo("true");
    assertThat(list(attributes)).anySatisfy(a -> assertThat(a).isEqualTo(Map.of("Key", "access_logs.s3.bucket", "Value", Map.of("Ref", "AccessLogsBucket"))));
    String prefix = attribute(attributes, "access_logs.s3.prefix");
    assertThat(on.dependsOn("LoadBalancer")).as("the policy exists before the ALB checks it").contains("AccessLogsBucketPolicy");

    Map<String, Object> delivery = list(map(on.resolvedProperties("AccessLogsBucketPolicy").get("PolicyDocument")).get("Statement")).get(0);
    assertThat(prefix).isEqualTo("move-api-staging");
    assertThat(delivery).containsEntry("Action", "s3:PutObject")
        .containsEntry("Resource", "${AccessLogsBucket.Arn}/" + prefix + "/AWSLogs/123456789012/*");
    assertThat(delivery.get("Principal")).as("eu-west-1's ELB account").isEqualTo(Map.of("AWS", "arn:aws:iam::156460612806:root"));
    Object newRegion = list(map(template(Map.of("AWS::Region", "eu-central-2")).resolvedProperties("AccessLogsBucketPolicy")
        .get("PolicyDocument")).get("Statement")).get(0).get("Principal");
    assertThat(newRegion).as("a region opened after August 2022").isEqualTo(Map.of("Service", "logdelivery.elasticloadbalancing.amazonaws.com"));

    Object off = template(Map.of("AccessLogsEnabled", "false")).resolvedProperties("LoadBalancer").get("LoadBalancerAttributes");
    assertThat(attribute(off, "access_logs.s3.enabled")).isEqualTo("false");
    assertThat(list(off)).noneMatch(a -> String.valueOf(a.get("Key")).startsWith("access_logs.s3.bucket"));
  }

  @Test
  void theServiceIsWiredToOnePortTwoTargetGroupsAndRollsBackOnItsAlarms() throws IOException {
    CloudFormation template = template(Map.of("Environment", "staging"));
    AppConfig config = config(template);
    Map<String, Object> service = template.resolvedProperties("Service");
    int containerPort = ((Number) list(container(template).get("PortMappings")).get(0).get("ContainerPort")).intValue();
    assertThat(list(container(template).get("PortMappings"))).as("METRICS_PORT is not mapped").hasSize(1);
    assertThat(list(service.get("LoadBalancers"))).extracting(r -> r.get("TargetGroupArn"))
        .containsExactly(Map.of("Ref", "TargetGroup"), Map.of("Ref", "MoveTargetGroup"));
    List<Integer> ports = new ArrayList<>(List.of(config.port(), ((Number) template.properties("TargetGroup").get("Port")).intValue(),
        ((Number) template.properties("MoveTargetGroup").get("Port")).intValue()));
    list(service.get("LoadBalancers")).forEach(r -> ports.add(((Number) r.get("ContainerPort")).intValue()));
    assertThat(ports).containsOnly(containerPort);

    Map<String, Object> deployment = map(service.get("DeploymentConfiguration"));
    assertThat(deployment.get("DeploymentCircuitBreaker")).isEqualTo(Map.of("Enable", true, "Rollback", true));
    Map<String, Object> deploymentAlarms = map(deployment.get("Alarms"));
    assertThat(deploymentAlarms).containsEntry("Enable", true).containsEntry("Rollback", true)
        .containsEntry("AlarmNames", Map.of("Fn::Split", List.of(",", Map.of("Fn::GetAtt", "Alarms.Outputs.DeploymentAlarmNames"))));

    Map<String, Object> alarmsStack = map(template.resolvedProperties("Alarms").get("Parameters"));
    assertThat(alarmsStack).containsEntry("Environment", config.metrics().environment())
        .containsEntry("Namespace", config.metrics().cloudWatchNamespace())
        .containsEntry("ServiceName", service.get("ServiceName"))
        .containsEntry("ClusterName", Map.of("Ref", "Cluster"))
        .containsEntry("TaskRoleName", Map.of("Ref", "TaskRole"))
        .containsEntry("MoveTargetGroupFullName", Map.of("Fn::GetAtt", "MoveTargetGroup.TargetGroupFullName"));
    assertThat(template.properties("TaskDefinition").get("TaskRoleArn")).isEqualTo(Map.of("Fn::GetAtt", "TaskRole.Arn"));

    // Scaling on requests counts both target groups: each holds every task once.
    Map<String, Object> custom = map(map(template.resolvedProperties("RequestCountScalingPolicy")
        .get("TargetTrackingScalingPolicyConfiguration")).get("CustomizedMetricSpecification"));
    List<Map<String, Object>> queries = list(custom.get("Metrics"));
    assertThat(queries).filteredOn(q -> q.containsKey("MetricStat"))
        .extracting(q -> list(map(map(q.get("MetricStat")).get("Metric")).get("Dimensions")).get(0).get("Value"))
        .containsExactlyInAnyOrder(Map.of("Fn::GetAtt", "TargetGroup.TargetGroupFullName"), Map.of("Fn::GetAtt", "MoveTargetGroup.TargetGroupFullName"));
    Map<String, Object> sum = queries.stream().filter(q -> Boolean.TRUE.equals(q.get("ReturnData"))).findFirst().orElseThrow();
    assertThat(MetricMath.evaluate((String) sum.get("Expression"), Map.of("routes", 700.0, "moves", 500.0))).isEqualTo(1200.0);
  }

  @Test
  void everyAlarmAndTheDashboardCarryTheEnvironment() throws IOException {
    CloudFormation alarms = alarms("staging");
    Map<String, Map<String, Object>> all = alarms.resourcesOfType("AWS::CloudWatch::Alarm");
    assertThat(all).hasSizeGreaterThanOrEqualTo(9);
    all.keySet().forEach(id -> assertThat((String) alarms.resolvedProperties(id).get("AlarmName")).as(id).startsWith("MoveAPI-").endsWith("-staging"));
    assertThat(alarms.resolvedProperties("HighConflictRateAlarm").get("AlarmName")).isEqualTo("MoveAPI-HighConflictRate-staging");
    assertThat(alarms.resolvedProperties("HighLatencyAlarm").get("AlarmName")).isEqualTo("MoveAPI-HighLatency-staging");
    assertThat(alarms.resolvedProperties("Dashboard").get("DashboardName")).isEqualTo("MoveAPI-staging");
    String dashboard = (String) map(alarms.properties("Dashboard").get("DashboardBody")).get("Fn::Sub");
    for (String widget : List.of("RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime", "CPUUtilization", "MemoryUtilization",
        "RunningTaskCount", "DatabaseConnections", "\"AWS/RDS\", \"CPUUtilization\"", "WriteLatency")) {
      assertThat(dashboard).as("the dashboard shows " + widget).contains(widget);
    }
    all.keySet().forEach(id -> assertThat(dashboard).as("the alarm widget lists " + id).contains("${" + id + ".Arn}"));
  }

  @Test
  void latencyAlarmsOnTheMovesNinetyNinthPercentileNotTheMean() throws IOException {
    Map<String, Object> latency = alarms("production").resolvedProperties("HighLatencyAlarm");
    assertThat(latency).containsEntry("ExtendedStatistic", "p99").doesNotContainKey("Statistic")
        .containsEntry("Namespace", "AWS/ApplicationELB").containsEntry("MetricName", "TargetResponseTime")
        .containsEntry("TreatMissingData", "notBreaching");
    assertThat(list(latency.get("Dimensions"))).extracting(d -> d.get("Value"))
        .containsExactlyInAnyOrder(Map.of("Ref", "LoadBalancerFullName"), Map.of("Ref", "MoveTargetGroupFullName"));
  }

  @Test
  void theConflictAlarmIsARatioSoOrdinaryConflictsDoNotPage() throws IOException {
    Map<String, Object> alarm = alarms("production").resolvedProperties("HighConflictRateAlarm");
    Map<String, Map<String, Object>> metrics = metricsById(alarm);
    assertThat(metrics.get("conflicts")).containsEntry("MetricName", "OCCConflicts.count");
    assertThat(metrics.get("moves")).containsEntry("MetricName", "MoveLatency.count");
    assertThat(MetricMath.breaches(alarm, Map.of("conflicts", 1.0, "moves", 3.0))).as("1 of 3 moves on a quiet evening").isFalse();
    assertThat(MetricMath.breaches(alarm, Map.of("conflicts", 30.0, "moves", 1000.0))).as("30 conflicts in a busy window, the old alarm's limit").isFalse();
    assertThat(MetricMath.breaches(alarm, Map.of("conflicts", 31.0, "moves", 32.0))).as("nearly every move stale").isTrue();
    assertThat(MetricMath.breaches(alarm, Map.of("conflicts", 150.0, "moves", 1000.0))).as("15 %").isTrue();
    assertThat(alarm).containsEntry("TreatMissingData", "notBreaching");
  }

  @Test
  void errorAlarmsAreRatesOfTheAlbsAndTheServicesOwn5xx() throws IOException {
    CloudFormation alarms = alarms("production");
    Map<String, Object> alb = alarms.resolvedProperties("High5xxRateAlarm");
    assertThat(metricsById(alb).values()).extracting(m -> m.get("MetricName"))
        .containsExactlyInAnyOrder("RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count");
    assertThat(MetricMath.breaches(alb, Map.of("requests", 1000.0, "targetErrors", 60.0))).as("6 % from the tasks, none from the ALB (no datapoint)").isTrue();
    assertThat(MetricMath.breaches(alb, Map.of("requests", 1000.0, "albErrors", 60.0))).as("6 % from the ALB itself").isTrue();
    assertThat(MetricMath.breaches(alb, Map.of("requests", 1000.0, "targetErrors", 20.0))).as("2 %").isFalse();
    assertThat(MetricMath.breaches(alb, Map.of("requests", 4.0, "targetErrors", 1.0))).as("one error in four requests").isFalse();

    Map<String, Object> service = alarms.resolvedProperties("MoveErrorRateAlarm");
    assertThat(metricsById(service).values()).extracting(m -> m.get("MetricName"))
        .containsOnly("MoveOutcomes.count", "MoveLatency.count");
    assertThat(MetricMath.breaches(service, Map.of("unavailable", 10.0, "failed", 0.0, "moves", 100.0))).isTrue();
    assertThat(MetricMath.breaches(service, Map.of("unavailable", 2.0, "failed", 1.0, "moves", 100.0))).isFalse();
  }

  @Test
  void silenceIsAFailureWhereTheMetricMustAlwaysArrive() throws IOException {
    CloudFormation alarms = alarms("production");
    Map<String, Object> missing = alarms.resolvedProperties("MetricsMissingAlarm");
    assertThat(missing).containsEntry("TreatMissingData", "breaching").containsEntry("MetricName", "MoveLatency.count")
        .containsEntry("Statistic", "SampleCount").containsEntry("ComparisonOperator", "LessThanThreshold");
    Map<String, Object> tasks = alarms.resolvedProperties("TasksBelowDesiredAlarm");
    assertThat(tasks).containsEntry("TreatMissingData", "breaching");
    assertThat(MetricMath.breaches(tasks, Map.of("desired", 2.0, "running", 1.0))).isTrue();
    assertThat(MetricMath.breaches(tasks, Map.of("desired", 2.0, "running", 4.0))).as("a release runs old and new tasks").isFalse();
    for (String id : List.of("HighCpuAlarm", "HighMemoryAlarm")) {
      assertThat(alarms.resolvedProperties(id)).containsEntry("Namespace", "AWS/ECS").containsKey("Threshold");
    }
  }

  @Test
  void aBadReleaseIsRolledBackByTheErrorAndLatencyAlarms() throws IOException {
    CloudFormation alarms = alarms("staging");
    // Ref of an alarm is its name: the service is given the names of these three.
    List<String> rollingBack = List.of("High5xxRateAlarm", "MoveErrorRateAlarm", "HighLatencyAlarm");
    assertThat(alarms.output("DeploymentAlarmNames"))
        .isEqualTo(Map.of("Fn::Join", List.of(",", rollingBack.stream().map(id -> Map.of("Ref", id)).toList())));
    assertThat(rollingBack).allSatisfy(id -> assertThat(alarms.resolvedProperties(id)).containsEntry("TreatMissingData", "notBreaching"));
  }

  private static CloudFormation alarms(String environment) throws IOException {
    return CloudFormation.load(ALARMS, Map.of("Environment", environment, "AWS::Region", "eu-west-1"));
  }

  /** Query id → the metric of each MetricStat query of a metric-math alarm. */
  private static Map<String, Map<String, Object>> metricsById(Map<String, Object> alarm) {
    Map<String, Map<String, Object>> metrics = new HashMap<>();
    list(alarm.get("Metrics")).stream().filter(q -> q.containsKey("MetricStat"))
        .forEach(q -> metrics.put((String) q.get("Id"), map(map(q.get("MetricStat")).get("Metric"))));
    return metrics;
  }

  private static Map<String, String> secrets(CloudFormation template) {
    Map<String, String> secrets = new HashMap<>();
    list(container(template).get("Secrets")).forEach(s -> secrets.put((String) s.get("Name"), (String) s.get("ValueFrom")));
    return secrets;
  }

  private static List<Object> pathPatterns(Map<String, Object> rule) {
    Map<String, Object> condition = list(rule.get("Conditions")).get(0);
    assertThat(condition).containsEntry("Field", "path-pattern");
    return List.copyOf((List<?>) map(condition.get("PathPatternConfig")).get("Values"));
  }

  /** Every ingress rule into the group: inline in the group itself and separate SecurityGroupIngress resources. */
  private static List<Map<String, Object>> ingressRules(CloudFormation template, Map<String, String> group) {
    List<Map<String, Object>> rules = new ArrayList<>();
    template.resourcesOfType("AWS::EC2::SecurityGroup").forEach((id, properties) -> {
      if (group.equals(Map.of("Ref", id)) && properties.get("SecurityGroupIngress") != null) {
        rules.addAll(list(properties.get("SecurityGroupIngress")));
      }
    });
    template.resourcesOfType("AWS::EC2::SecurityGroupIngress").values().stream()
        .filter(rule -> group.equals(rule.get("GroupId")))
        .forEach(rules::add);
    return rules;
  }

  private static List<Integer> ports(Map<String, Object> rule) {
    assertThat(rule).containsEntry("IpProtocol", "tcp");
    return List.of(((Number) rule.get("FromPort")).intValue(), ((Number) rule.get("ToPort")).intValue());
  }

  private static String attribute(Object attributes, String key) {
    return list(attributes).stream().filter(a -> key.equals(a.get("Key"))).map(a -> String.valueOf(a.get("Value")))
        .findFirst().orElseThrow(() -> new AssertionError("no attribute " + key));
  }
}
