package com.edgarautoshop.moveapi.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The image's HEALTHCHECK command against the real service: 0 only for a 200, 1 for anything else, never a hang. */
class HealthCheckTest extends ServiceTestBase {

  @Test
  void aRunningServiceIsHealthy() {
    assertThat(HealthCheck.probe(URI.create(api.base() + "/healthz"))).isZero();
  }

  @Test
  void anAnswerOtherThan200IsUnhealthy() {
    assertThat(HealthCheck.probe(URI.create(api.base() + "/no-such-path"))).isEqualTo(1);
  }

  @Test
  void aClosedPortIsUnhealthy() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertThat(HealthCheck.probe(URI.create("http://127.0.0.1:" + port + "/healthz"))).isEqualTo(1);
  }

  @Test
  void aServerThatNeverAnswersIsUnhealthyWithinTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      long start = System.nanoTime();
      assertThat(HealthCheck.probe(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/healthz"))).isEqualTo(1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HealthCheck.TIMEOUT.plusSeconds(2));
    }
  }

  @Test
  void theProbeTargetsTheConfiguredPortAndLoopbackForAWildcardHost() {
    AppConfig loopback = AppConfig.from(Map.of("AUTH_MODE", "none", "HOST", "127.0.0.2", "PORT", "18080"));
    assertThat(HealthCheck.healthzUri(loopback)).isEqualTo(URI.create("http://127.0.0.2:18080/healthz"));
    AppConfig jwt = AppConfig.from(Map.of("PGHOST", "pg", "JWT_PUBLIC_KEY", "k", "JWT_ISSUER", "i", "JWT_AUDIENCE", "a", "PORT", "9000"));
    assertThat(jwt.host()).isEqualTo("0.0.0.0");
    assertThat(HealthCheck.healthzUri(jwt)).isEqualTo(URI.create("http://127.0.0.1:9000/healthz"));
    AppConfig ipv6 = AppConfig.from(Map.of("AUTH_MODE", "none", "HOST", "::1"));
    assertThat(HealthCheck.healthzUri(ipv6)).isEqualTo(URI.create("http://[::1]:8080/healthz"));
  }
}
