package com.edgarautoshop.moveapi.deploy;

import static com.edgarautoshop.moveapi.testing.CloudFormation.list;
import static com.edgarautoshop.moveapi.testing.CloudFormation.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.testing.CloudFormation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/move-api.yaml against the service's own behaviour: the task definition's environment is
 * read by the real AppConfig, so the load balancer and ECS timings are checked against what the
 * service will actually do, and a misspelt variable name cannot slip through.
 */
class DeployTemplateTest {
  private static final Path TEMPLATE = Path.of("deploy/move-api.yaml");
  /** The parameters without defaults, as `aws cloudformation deploy --parameter-overrides` gives them. */
  private static final Map<String, String> DEPLOYMENT = Map.of(
      "AWS::Region", "eu-west-1",
      "ImageTag", "1.0.0",
      "DbSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:moveapi/database-url-AbCdEf",
      "JwtIssuer", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example",
      "JwtAudience", "board-client",
      "JwtJwksUrl", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example/.well-known/jwks.json");
  /** What ECS injects as DATABASE_URL: the secret's value. */
  private static final String SECRET_VALUE = "postgresql://moveapi:secret@db.internal:5432/moveapi?sslmode=require";
  /** Metrics.MAX_PUBLISH_TIME (private there): on stop, the last CloudWatch publish waits up to this. */
  private static final Duration LAST_PUBLISH = Duration.ofSeconds(10);

  private static CloudFormation template;
  private static Map<String, Object> container;
  /** The variables AppConfig looked up while reading the container's environment. */
  private static final Set<String> namesRead = new HashSet<>();
  private static AppConfig config;

  @BeforeAll
  static void readTheContainerAsTheServiceWould() throws Exception {
    template = CloudFormation.load(TEMPLATE, DEPLOYMENT);
    container = list(template.properties("TaskDefinition").get("ContainerDefinitions")).get(0);
    Map<String, String> env = new HashMap<>() {
      @Override
      public String get(Object name) {
        namesRead.add((String) name);
        return super.get(name);
      }
    };
    env.putAll(containerEnvironment());
    env.put("DATABASE_URL", SECRET_VALUE);
    config = AppConfig.from(env);
  }

  @Test
  void everyVariableTheTaskSetsIsOneTheServiceReads() {
    Set<String> names = new HashSet<>(containerEnvironment().keySet());
    list(container.get("Secrets")).forEach(secret -> names.add((String) secret.get("Name")));
    assertThat(namesRead).as("variables AppConfig reads").containsAll(names);
    assertThat(config.authMode()).isEqualTo(AppConfig.AuthMode.JWT);
    assertThat(config.host()).as("listens beyond loopback, for the load balancer").isEqualTo("0.0.0.0");
    assertThat(config.metrics().cloudWatchEnabled()).isTrue();
  }

  @Test
  void theDatabaseUrlComesOnlyFromTheSecret() {
    assertThat(list(container.get("Secrets"))).containsExactly(Map.of("Name", "DATABASE_URL", "ValueFrom", Map.of("Ref", "DbSecretArn")));
    assertThat(containerEnvironment().keySet()).noneMatch(name -> name.equals("DATABASE_URL") || name.startsWith("PG"));
    assertThat(config.database()).map(AppConfig.DatabaseUrl::host).contains("db.internal");
    Map<String, Object> readSecret = list(template.properties("ExecutionRole").get("Policies")).get(0);
    Map<String, Object> statement = list(map(readSecret.get("PolicyDocument")).get("Statement")).get(0);
    assertThat(statement).containsEntry("Action", "secretsmanager:GetSecretValue").containsEntry("Resource", Map.of("Ref", "DbSecretArn"));
  }

  @Test
  void loadBalancerAndEcsTimingsFitTheServiceShutdown() {
    Duration requestTimeout = config.requestTimeout();
    Duration drain = config.shutdownDrain();
    // HttpVerticle.stop gives in-flight requests the request timeout + 1 s after the drain.
    Duration shutdownWindow = drain.plus(requestTimeout).plusSeconds(1);
    Duration deregistrationDelay = Duration.ofSeconds(Long.parseLong(
        attribute(template.properties("TargetGroup").get("TargetGroupAttributes"), "deregistration_delay.timeout_seconds")));
    assertThat(deregistrationDelay).as("ECS deregisters, waits this, then sends SIGTERM: requests must be done")
        .isGreaterThan(requestTimeout);
    assertThat(deregistrationDelay).as("the load balancer is done with a task before the task stops serving")
        .isLessThan(shutdownWindow);

    Duration stopTimeout = Duration.ofSeconds(((Number) container.get("StopTimeout")).longValue());
    assertThat(stopTimeout).as("SIGKILL comes after the drain, the in-flight requests and the last metrics publish")
        .isGreaterThanOrEqualTo(shutdownWindow.plus(LAST_PUBLISH));

    Duration idleTimeout = Duration.ofSeconds(Long.parseLong(
        attribute(template.properties("LoadBalancer").get("LoadBalancerAttributes"), "idle_timeout.timeout_seconds")));
    assertThat(idleTimeout).as("a quiet stream's heartbeat comes before the ALB's idle timeout").isGreaterThan(config.streamHeartbeat());

    Map<String, Object> targetGroup = template.properties("TargetGroup");
    assertThat(targetGroup).containsEntry("HealthCheckPath", "/readyz").containsEntry("Matcher", Map.of("HttpCode", "200"));
    assertThat(((Number) targetGroup.get("HealthCheckTimeoutSeconds")).intValue())
        .isLessThan(((Number) targetGroup.get("HealthCheckIntervalSeconds")).intValue());
  }

  @Test
  void onlyTheLoadBalancerReachesTheTasksAndOnlyTheTasksReachTheDatabase() {
    List<Map<String, Object>> intoTasks = ingressRules(Map.of("Ref", "TaskSecurityGroup"));
    assertThat(intoTasks).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule).containsEntry("SourceSecurityGroupId", Map.of("Ref", "AlbSecurityGroup")).doesNotContainKey("CidrIp");
      assertThat(ports(rule)).isEqualTo(List.of(config.port(), config.port()));
    });
    List<Map<String, Object>> intoDatabase = ingressRules(Map.of("Ref", "DbSecurityGroupId"));
    assertThat(intoDatabase).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule).containsEntry("SourceSecurityGroupId", Map.of("Ref", "TaskSecurityGroup")).doesNotContainKey("CidrIp");
      assertThat(ports(rule)).isEqualTo(List.of(5432, 5432));
    });
    assertThat(ingressRules(Map.of("Ref", "AlbSecurityGroup"))).extracting(DeployTemplateTest::ports)
        .containsExactlyInAnyOrder(List.of(443, 443), List.of(80, 80));
  }

  @Test
  void theServiceIsWiredToOnePortOneRoleAndTheAlarmsOfItsEnvironment() {
    int containerPort = ((Number) list(container.get("PortMappings")).get(0).get("ContainerPort")).intValue();
    Map<String, Object> service = template.properties("Service");
    Map<String, Object> registration = list(service.get("LoadBalancers")).get(0);
    assertThat(List.of(config.port(), ((Number) registration.get("ContainerPort")).intValue(),
        ((Number) template.properties("TargetGroup").get("Port")).intValue())).containsOnly(containerPort);
    assertThat(map(service.get("DeploymentConfiguration")).get("DeploymentCircuitBreaker")).isEqualTo(Map.of("Enable", true, "Rollback", true));

    Map<String, Object> alarms = map(template.properties("Alarms").get("Parameters"));
    assertThat(template.resolve(alarms.get("Environment"))).isEqualTo(config.metrics().environment());
    assertThat(template.resolve(alarms.get("Namespace"))).isEqualTo(config.metrics().cloudWatchNamespace());
    assertThat(alarms.get("TaskRoleName")).isEqualTo(Map.of("Ref", "TaskRole"));
    assertThat(template.properties("TaskDefinition").get("TaskRoleArn")).isEqualTo(Map.of("Fn::GetAtt", "TaskRole.Arn"));

    Map<String, Object> requestTracking = map(map(template.properties("RequestCountScalingPolicy")
        .get("TargetTrackingScalingPolicyConfiguration")).get("PredefinedMetricSpecification"));
    assertThat(requestTracking).containsEntry("PredefinedMetricType", "ALBRequestCountPerTarget")
        .containsEntry("ResourceLabel", Map.of("Fn::Sub", "${LoadBalancer.LoadBalancerFullName}/${TargetGroup.TargetGroupFullName}"));
  }

  /** The container's Environment as ECS would set it for this deployment. */
  private static Map<String, String> containerEnvironment() {
    Map<String, String> env = new HashMap<>();
    for (Map<String, Object> variable : list(container.get("Environment"))) {
      env.put((String) variable.get("Name"), String.valueOf(template.resolve(variable.get("Value"))));
    }
    return env;
  }

  /** Every ingress rule into the group: inline in the group itself and separate SecurityGroupIngress resources. */
  private static List<Map<String, Object>> ingressRules(Map<String, String> group) {
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
    return list(attributes).stream().filter(a -> key.equals(a.get("Key"))).map(a -> (String) a.get("Value"))
        .findFirst().orElseThrow(() -> new AssertionError("no attribute " + key));
  }
}
