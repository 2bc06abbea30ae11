package com.edgarautoshop.moveapi.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/** An RSA key pair for a service in JWT mode, and advisor tokens for any subject signed with it. */
public final class Tokens {
  public static final String ISSUER = "https://issuer.test";
  public static final String AUDIENCE = "move-api";
  private final String publicPem;
  private final JWTAuth signer;

  private Tokens(String publicPem, JWTAuth signer) {
    this.publicPem = publicPem;
    this.signer = signer;
  }

  public static Tokens create(Vertx vertx) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
      return new Tokens(pem("PUBLIC KEY", pair.getPublic().getEncoded()),
          JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem))));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** The service settings that verify these tokens. */
  public Map<String, String> env() {
    return Map.of("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY", publicPem, "JWT_ISSUER", ISSUER, "JWT_AUDIENCE", AUDIENCE, "HOST", "127.0.0.1");
  }

  /** {@code Bearer …} for {@code subject} with the advisor role, valid ten minutes. */
  public String bearer(String subject) {
    return "Bearer " + mint(subject, "advisor", "roles");
  }

  /** A raw token for {@code sub} whose {@code roleClaim} holds {@code role}, valid ten minutes. */
  public String mint(String sub, String role, String roleClaim) {
    return mint(sub, role, roleClaim, 600);
  }

  /** A raw advisor token for {@code sub} that expires in {@code seconds}. */
  public String advisor(String sub, int seconds) {
    return mint(sub, "advisor", "roles", seconds);
  }

  private String mint(String sub, String role, String roleClaim, int seconds) {
    return signer.generateToken(new JsonObject().put(roleClaim, new JsonArray().add(role)),
        new JWTOptions().setAlgorithm("RS256").setSubject(sub).setIssuer(ISSUER).addAudience(AUDIENCE).setExpiresInSeconds(seconds));
  }

  public String publicPem() {
    return publicPem;
  }

  /** {@code Bearer …} carrying exactly {@code claims} (plus iat), correctly signed whatever they say. */
  public String signed(JsonObject claims) {
    return "Bearer " + signer.generateToken(claims.copy(), new JWTOptions().setAlgorithm("RS256"));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
