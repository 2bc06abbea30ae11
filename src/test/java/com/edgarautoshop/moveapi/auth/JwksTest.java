package com.edgarautoshop.moveapi.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys fetched from a JWKS URL (as from Cognito), served here by a loopback HTTP server. */
class JwksTest {
  private static final String ROLE_CLAIM = "cognito:groups";
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() {
    vertx.close().await();
  }

  @Test
  void tokensSignedByAKeyFromTheJwksAreAcceptedOthersAreNot() throws Exception {
    KeyPair published = keyPair();
    KeyPair stranger = keyPair();
    Issuer issuer = Issuer.start(vertx, jwk("k1", published));
    try (TestService service = TestService.start(issuer.env())) {
      Api api = service.api();
      assertThat(api.get("/api/admin/workflow", "Authorization", token(published, "k1")).status()).isEqualTo(200);
      assertThat(api.get("/api/admin/workflow", "Authorization", token(stranger, "k1")).status()).isEqualTo(401);
    }
  }

  /** Issue 14.9: a rotated-in key is fetched when a token names it, without waiting for the 15-minute refresh; at most once a minute. */
  @Test
  void anUnknownKidTriggersOneRefetchAMinute() throws Exception {
    KeyPair k1 = keyPair();
    KeyPair k2 = keyPair();
    KeyPair k3 = keyPair();
    Issuer issuer = Issuer.start(vertx, jwk("k1", k1));
    try (TestService service = TestService.start(issuer.env())) {
      Api api = service.api();
      assertThat(issuer.fetches().get()).as("fetched at start").isEqualTo(1);
      assertThat(api.get("/api/admin/workflow", "Authorization", token(k1, "k1")).status()).isEqualTo(200);

      issuer.keys().set(new JsonArray().add(jwk("k1", k1)).add(jwk("k2", k2)));
      assertThat(api.get("/api/admin/workflow", "Authorization", token(k2, "k2")).status()).as("rotated in").isEqualTo(200);
      assertThat(issuer.fetches().get()).isEqualTo(2);

      issuer.keys().set(new JsonArray().add(jwk("k2", k2)).add(jwk("k3", k3)));
      for (int i = 0; i < 20; i++) {
        assertThat(api.get("/api/admin/workflow", "Authorization", token(k3, "k3")).status()).isEqualTo(401);
      }
      assertThat(issuer.fetches().get()).as("no second refetch within the minute").isEqualTo(2);
      assertThat(api.get("/api/admin/workflow", "Authorization", token(k2, "k2")).status()).isEqualTo(200);
    }
  }

  /** Issue 14.9: keys whose refresh keeps failing are trusted for JWT_JWKS_MAX_AGE_SECONDS after their last fetch, not for ever. */
  @Test
  void keysThatFailToRefreshExpireAndComeBackWithTheIssuer() throws Exception {
    KeyPair k1 = keyPair();
    Issuer issuer = Issuer.start(vertx, jwk("k1", k1));
    try (TestService service = TestService.start(issuer.env("JWT_JWKS_MAX_AGE_SECONDS", "2"))) {
      Api api = service.api();
      String token = token(k1, "k1");
      assertThat(api.get("/api/admin/workflow", "Authorization", token).status()).isEqualTo(200);
      issuer.failing().set(true);
      Awaitility.await("the stale keys to be dropped").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.get("/api/admin/workflow", "Authorization", token).status() == 401);
      issuer.failing().set(false);
      Awaitility.await("the keys to come back").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.get("/api/admin/workflow", "Authorization", token).status() == 200);
    }
  }

  /** A JWKS URL whose keys a test can change and make fail; it counts the fetches. */
  private record Issuer(HttpServer server, AtomicReference<JsonArray> keys, AtomicBoolean failing, AtomicInteger fetches) {
    static Issuer start(Vertx vertx, JsonObject... keys) {
      AtomicReference<JsonArray> published = new AtomicReference<>(new JsonArray(List.of((Object[]) keys)));
      AtomicBoolean failing = new AtomicBoolean();
      AtomicInteger fetches = new AtomicInteger();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> {
        fetches.incrementAndGet();
        if (failing.get()) {
          req.response().setStatusCode(500).end();
        } else {
          req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("keys", published.get()).encode());
        }
      }).listen(0, "127.0.0.1").await();
      return new Issuer(server, published, failing, fetches);
    }

    Map<String, String> env(String... extra) {
      Map<String, String> env = new HashMap<>(Map.of("AUTH_MODE", "jwt", "HOST", "127.0.0.1",
          "JWT_JWKS_URL", "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json",
          "JWT_ROLE_CLAIM", ROLE_CLAIM, "JWT_ISSUER", "https://cognito.test", "JWT_AUDIENCE", "board"));
      for (int i = 0; i + 1 < extra.length; i += 2) {
        env.put(extra[i], extra[i + 1]);
      }
      return env;
    }
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static JsonObject jwk(String kid, KeyPair pair) {
    RSAPublicKey key = (RSAPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", kid)
        .put("n", b64(key.getModulus())).put("e", b64(key.getPublicExponent()));
  }

  private static String b64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** An advisor token for bob signed by {@code pair}, naming {@code kid}. */
  private String token(KeyPair pair, String kid) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
    return "Bearer " + signer.generateToken(new JsonObject().put(ROLE_CLAIM, new JsonArray().add("advisor")),
        new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(300).setSubject("bob").setIssuer("https://cognito.test")
            .addAudience("board").setHeader(new JsonObject().put("kid", kid)));
  }
}
