package com.edgarautoshop.moveapi.testing;

import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.auth.SignIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real OpenID Connect provider on loopback: NAV's mock-oauth2-server (MIT) with its interactive
 * sign-in form (any user name, extra claims as JSON), discovery, JWKS, authorization code with
 * PKCE, signed ID tokens and an end-session endpoint.
 *
 * <p>It runs in a JVM of its own: it needs Jackson 3 with jackson-annotations 2.20+, which clashes
 * with the service's Jackson 2.18 on one class path. Its class path is resolved by Maven from
 * {@code src/test/oidc-provider/pom.xml} once and kept in {@code target/oidc-provider.classpath}.
 * It answers as {@code localhost}, the service as {@code 127.0.0.1}: two sites, as in production.
 */
public final class LocalOidcProvider implements AutoCloseable {
  public static final String CLIENT_ID = "board-page";
  public static final String ROLE_CLAIM = "cognito:groups";
  public static final String SESSION_SECRET = "a-test-secret-of-at-least-32-characters";
  private static final String ISSUER_ID = "shop";
  private static final Path POM = Paths.get("src", "test", "oidc-provider", "pom.xml");
  private static final Path CLASS_PATH = Paths.get("target", "oidc-provider.classpath");

  private final Process process;
  private final int port;

  private LocalOidcProvider(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static LocalOidcProvider start() {
    int port = TestService.freePort();
    try {
      Path log = Files.createDirectories(Paths.get("target")).resolve("oidc-provider.log");
      ProcessBuilder builder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", classPath(), "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt")
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(Map.of("SERVER_HOSTNAME", "localhost", "SERVER_PORT", String.valueOf(port),
          "JSON_CONFIG", "{\"interactiveLogin\": true}"));
      LocalOidcProvider provider = new LocalOidcProvider(builder.start(), port);
      HttpClient client = HttpClient.newHttpClient();
      URI discovery = URI.create(provider.issuer() + "/.well-known/openid-configuration");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> client.send(HttpRequest.newBuilder(discovery).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
      return provider;
    } catch (IOException ex) {
      throw new IllegalStateException("the local OpenID provider did not start", ex);
    }
  }

  /** The provider's class path, resolved by Maven when the POM is newer than the kept one. */
  private static synchronized String classPath() throws IOException {
    if (!Files.exists(CLASS_PATH) || Files.getLastModifiedTime(CLASS_PATH).compareTo(Files.getLastModifiedTime(POM)) < 0) {
      Process maven = new ProcessBuilder("mvn", "-B", "-q", "-f", POM.toString(), "dependency:build-classpath",
          "-Dmdep.outputFile=" + CLASS_PATH.toAbsolutePath()).inheritIO().start();
      try {
        if (maven.waitFor() != 0) {
          throw new IllegalStateException("mvn could not resolve the local OpenID provider's class path (" + POM + ")");
        }
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ex);
      }
    }
    return Files.readString(CLASS_PATH).trim();
  }

  public String issuer() {
    return "http://localhost:" + port + "/" + ISSUER_ID;
  }

  /**
   * The service's settings for AUTH_MODE=oidc against this provider; the service listens on
   * {@code port}. Bearer tokens are checked against {@code bearerPublicKey} (tokens a script mints).
   */
  public Map<String, String> serviceEnv(int servicePort, String sessionMaxAge, String bearerPublicKey) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTH_MODE", "oidc");
    env.put("PORT", String.valueOf(servicePort));
    env.put("OIDC_ISSUER", issuer());
    env.put("OIDC_CLIENT_ID", CLIENT_ID);
    env.put("OIDC_CLIENT_SECRET", "board-page-secret");
    env.put("OIDC_REDIRECT_URI", "http://127.0.0.1:" + servicePort + "/auth/callback");
    env.put("SESSION_SECRET", SESSION_SECRET);
    env.put("SESSION_MAX_AGE", sessionMaxAge);
    env.put("SESSION_COOKIE_SECURE", "false");
    env.put("JWT_PUBLIC_KEY", bearerPublicKey);
    env.put("JWT_ISSUER", Tokens.ISSUER);
    env.put("JWT_AUDIENCE", Tokens.AUDIENCE);
    env.put("JWT_ROLE_CLAIM", ROLE_CLAIM);
    return env;
  }

  /** The extra claims typed into the sign-in form for a user holding {@code role}. */
  public static String claimsWithRole(String role) {
    return "{\"" + ROLE_CLAIM + "\": [\"" + role + "\"], \"name\": \"Test Advisor\"}";
  }

  public static String sessionCookieName() {
    return SignIn.COOKIE;
  }


  @Override
  public void close() {
    process.destroy();
  }
}
