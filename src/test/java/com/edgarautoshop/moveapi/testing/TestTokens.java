package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.auth.TokenMinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** An RSA key pair and bearer tokens signed with it through {@code mint-token}, as a script would get them. */
public final class TestTokens {
  public static final String ISSUER = "https://issuer.test";
  public static final String AUDIENCE = "move-api";

  private final String publicPem;
  private final Path privateKey;

  private TestTokens(String publicPem, Path privateKey) {
    this.publicPem = publicPem;
    this.privateKey = privateKey;
  }

  /** A fresh key pair; the private key goes into {@code directory} (a JUnit temp dir). */
  public static TestTokens create(Path directory) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Path privateKey = Files.writeString(directory.resolve("signing-key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
      return new TestTokens(pem("PUBLIC KEY", pair.getPublic().getEncoded()), privateKey);
    } catch (NoSuchAlgorithmException | IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  public String publicPem() {
    return publicPem;
  }

  /** A token for {@link #ISSUER} and {@link #AUDIENCE}; {@code moreFlags} are further mint-token flags (--role-claim, --ttl). */
  public String mint(String sub, String role, String... moreFlags) {
    List<String> args = new ArrayList<>(List.of("--private-key", privateKey.toString(), "--sub", sub, "--role", role, "--iss", ISSUER, "--aud", AUDIENCE));
    args.addAll(List.of(moreFlags));
    try {
      return TokenMinter.mint(args);
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
