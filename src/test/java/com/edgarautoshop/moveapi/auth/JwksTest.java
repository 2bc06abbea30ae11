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
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys fetched from a JWKS URL (as from Cognito), served here by a loopback HTTP server. */
class JwksTest {

  private static String b64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Test
  void tokensSignedByAKeyFromTheJwksAreAcceptedOthersAreNot() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair published = generator.generateKeyPair();
    KeyPair stranger = generator.generateKeyPair();
    RSAPublicKey key = (RSAPublicKey) published.getPublic();
    JsonObject jwks = new JsonObject().put("keys", new JsonArray().add(new JsonObject()
        .put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", "k1")
        .put("n", b64(key.getModulus())).put("e", b64(key.getPublicExponent()))));

    Vertx vertx = Vertx.vertx();
    try {
      HttpServer jwksServer = vertx.createHttpServer()
          .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(jwks.encode()))
          .listen(0, "127.0.0.1").await();
      try (TestService service = TestService.start(Map.of("AUTH_MODE", "jwt", "HOST", "127.0.0.1",
          "JWT_JWKS_URL", "http://127.0.0.1:" + jwksServer.actualPort() + "/.well-known/jwks.json",
          "JWT_ROLE_CLAIM", "cognito:groups", "JWT_ISSUER", "https://cognito.test", "JWT_AUDIENCE", "board"))) {
        Api api = service.api();
        JsonObject claims = new JsonObject().put("cognito:groups", new JsonArray().add("advisor"));
        String good = signer(vertx, published).generateToken(claims.copy(),
            new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(300).setSubject("bob").setIssuer("https://cognito.test").addAudience("board").setHeader(new JsonObject().put("kid", "k1")));
        String forged = signer(vertx, stranger).generateToken(claims.copy(),
            new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(300).setSubject("eve").setIssuer("https://cognito.test").addAudience("board").setHeader(new JsonObject().put("kid", "k1")));
        assertThat(api.get("/api/admin/workflow", "Authorization", "Bearer " + good).status()).isEqualTo(200);
        assertThat(api.get("/api/admin/workflow", "Authorization", "Bearer " + forged).status()).isEqualTo(401);
      }
    } finally {
      vertx.close().await();
    }
  }

  private static JWTAuth signer(Vertx vertx, KeyPair pair) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
  }
}
