package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.auth.TokenMinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** An RSA key pair for a service in JWT mode, and tokens signed with it by the service's own mint-token. */
public final class TestKeys {
  public static final String ISSUER = "https://issuer.test";
  public static final String AUDIENCE = "move-api";
  private final String publicPem;
  private final Path privateKey;

  private TestKeys(String publicPem, Path privateKey) {
    this.publicPem = publicPem;
    this.privateKey = privateKey;
  }

  public static TestKeys create() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path privateKey = Files.createTempFile("move-api-test-key", ".pem");
    privateKey.toFile().deleteOnExit();
    Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    return new TestKeys(pem("PUBLIC KEY", pair.getPublic().getEncoded()), privateKey);
  }

  /** The settings of a service that accepts these keys' tokens. */
  public Map<String, String> serviceEnv() {
    return Map.of("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY", publicPem, "JWT_ISSUER", ISSUER, "JWT_AUDIENCE", AUDIENCE, "HOST", "127.0.0.1");
  }

  /** A valid advisor token of {@code subject} that expires in {@code seconds}. */
  public String token(String subject, int seconds) throws Exception {
    return TokenMinter.mint(List.of("--private-key", privateKey.toString(), "--sub", subject, "--iss", ISSUER, "--aud", AUDIENCE,
        "--ttl", String.valueOf(seconds)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
