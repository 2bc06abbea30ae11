package com.edgarautoshop.moveapi.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer JWT against a configured public key: 401 and 403 cases in the envelope, and the happy path. */
class AuthTest {
  private static String publicPem;
  private static String privatePem;
  private static Vertx vertx;
  private static JWTAuth signer;
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    publicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    vertx = Vertx.vertx();
    signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
    service = TestService.start(Map.of("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY", publicPem,
        "JWT_ISSUER", "https://issuer.test", "JWT_AUDIENCE", "move-api", "HOST", "127.0.0.1"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    vertx.close();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static String token(JsonObject claims, int expiresIn, String issuer, String audience) {
    JWTOptions options = new JWTOptions().setAlgorithm("RS256").setSubject("alice");
    if (expiresIn != 0) {
      options.setExpiresInSeconds(expiresIn);
    }
    if (issuer != null) {
      options.setIssuer(issuer);
    }
    if (audience != null) {
      options.addAudience(audience);
    }
    return signer.generateToken(claims, options);
  }

  private static String good(JsonObject claims) {
    return token(claims, 600, "https://issuer.test", "move-api");
  }

  private static Reply board(String authorization) {
    return authorization == null ? api.get("/api/admin/workflow") : api.get("/api/admin/workflow", "Authorization", authorization);
  }

  private static void assert401(Reply reply) {
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.error().getString("code")).isEqualTo("unauthorized");
    assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void advisorAndAdminRolesAreAccepted() {
    assertThat(board("Bearer " + good(new JsonObject().put("roles", new JsonArray().add("advisor")))).status()).isEqualTo(200);
    assertThat(board("Bearer " + good(new JsonObject().put("roles", "admin"))).status()).isEqualTo(200);
  }

  @Test
  void theTokenSubjectIsTheHistoryActor() {
    String auth = "Bearer " + good(new JsonObject().put("roles", new JsonArray().add("advisor")));
    String id = api.createCard(Api.freshDate(), 9, "Authorization", auth).getString("id");
    assertThat(api.move(id, "in_progress", 1, "Authorization", auth).status()).isEqualTo(200);
    JsonObject row = api.get("/api/admin/appointments/" + id + "/history", "Authorization", auth).data().getJsonArray("items").getJsonObject(0);
    assertThat(row.getString("actor")).isEqualTo("alice");
  }

  @Test
  void missingOrMalformedTokensAre401() {
    assert401(board(null));
    assert401(board("Bearer"));
    assert401(board("Basic YWxpY2U6c2VjcmV0"));
    assert401(board("Bearer not.a.jwt"));
  }

  @Test
  void expiredWrongIssuerWrongAudienceOrNoExpiryAre401() {
    // generateToken writes its claims into the object it is given, so each token gets a fresh copy
    JsonObject roles = new JsonObject().put("roles", new JsonArray().add("advisor"));
    assert401(board("Bearer " + token(roles.copy().put("exp", System.currentTimeMillis() / 1000 - 3600), 0, "https://issuer.test", "move-api")));
    assert401(board("Bearer " + token(roles.copy(), 600, "https://evil.test", "move-api")));
    assert401(board("Bearer " + token(roles.copy(), 600, "https://issuer.test", "someone-else")));
    assert401(board("Bearer " + token(roles.copy(), 0, "https://issuer.test", "move-api")));
  }

  /** Issue 14.8: odd but correctly signed claims are a 401 envelope, never a 500. */
  @Test
  void oddButSignedClaimsAre401() {
    JsonObject roles = new JsonObject().put("roles", new JsonArray().add("advisor"));
    JWTOptions noSubject = new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(600).setIssuer("https://issuer.test").addAudience("move-api");
    assert401(board("Bearer " + token(roles.copy().put("exp", "tomorrow"), 0, "https://issuer.test", "move-api")));
    assert401(board("Bearer " + token(roles.copy().put("exp", new JsonObject().put("at", 1)), 0, "https://issuer.test", "move-api")));
    assert401(board("Bearer " + signer.generateToken(roles.copy(), noSubject)));
    assert401(board("Bearer " + signer.generateToken(roles.copy().put("sub", 42), noSubject)));
    assert401(board("Bearer " + signer.generateToken(roles.copy(), new JWTOptions(noSubject).setSubject("a".repeat(201)))));
    assert401(board("Bearer " + signer.generateToken(roles.copy(), new JWTOptions(noSubject).setSubject("eve\u0000admin"))));
    assert401(board("Bearer " + signer.generateToken(roles.copy(), new JWTOptions(noSubject).setSubject(" "))));

    String longest = "Bearer " + signer.generateToken(roles.copy(), new JWTOptions(noSubject).setSubject("b".repeat(200)));
    String id = api.createCard(Api.freshDate(), 9, "Authorization", longest).getString("id");
    assertThat(api.move(id, "in_progress", 1, "Authorization", longest).status()).isEqualTo(200);
    assertThat(api.get("/api/admin/appointments/" + id + "/history", "Authorization", longest).data()
        .getJsonArray("items").getJsonObject(0).getString("actor")).isEqualTo("b".repeat(200));
  }

  @Test
  void unsignedAndHmacTokensAre401() throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String payload = b64.encodeToString(new JsonObject().put("sub", "mallory").put("roles", "admin")
        .put("iss", "https://issuer.test").put("aud", "move-api").put("exp", System.currentTimeMillis() / 1000 + 600).encode().getBytes(StandardCharsets.UTF_8));
    String none = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + payload + ".";
    assert401(board("Bearer " + none));
    String hsHeader = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(publicPem.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = b64.encodeToString(mac.doFinal((hsHeader + "." + payload).getBytes(StandardCharsets.UTF_8)));
    assert401(board("Bearer " + hsHeader + "." + payload + "." + signature));
  }

  @Test
  void missingRoleIs403() {
    for (JsonObject claims : List.of(new JsonObject(), new JsonObject().put("roles", new JsonArray().add("viewer")))) {
      Reply reply = board("Bearer " + good(claims));
      assertThat(reply.status()).isEqualTo(403);
      assertThat(reply.error().getString("code")).isEqualTo("forbidden");
    }
  }

  @Test
  void onlyAnAdminMayDeleteACard() {
    String advisor = "Bearer " + good(new JsonObject().put("roles", new JsonArray().add("advisor")));
    String admin = "Bearer " + good(new JsonObject().put("roles", new JsonArray().add("admin")));
    String id = api.createCard(Api.freshDate(), 9, "Authorization", advisor).getString("id");
    Reply refused = api.send(api.request("/api/admin/appointments/" + id, "Authorization", advisor).DELETE().build());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.error().getString("code")).isEqualTo("forbidden");
    assertThat(api.get("/api/admin/appointments/" + id, "Authorization", advisor).status()).isEqualTo(200);
    assert401(api.send(api.request("/api/admin/appointments/" + id).DELETE().build()));
    assertThat(api.send(api.request("/api/admin/appointments/" + id, "Authorization", admin).DELETE().build()).status()).isEqualTo(200);
  }

  @Test
  void healthAndMetricsNeedNoToken() {
    assertThat(api.get("/healthz").status()).isEqualTo(200);
    assertThat(api.get("/readyz").status()).isEqualTo(200);
    assertThat(api.scrape().status()).isEqualTo(200);
    assertThat(api.get("/metrics").status()).as("not on the public port").isEqualTo(404);
  }

  @Test
  void mintTokenSubcommandSignsATokenTheServiceAccepts(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("key.pem"); // removed after the test, unlike a bare temp file
    Files.writeString(key, privatePem);
    String minted = TokenMinter.mint(List.of("--private-key", key.toString(), "--sub", "k6", "--role", "admin",
        "--iss", "https://issuer.test", "--aud", "move-api"));
    assertThat(board("Bearer " + minted).status()).isEqualTo(200);
  }
}
