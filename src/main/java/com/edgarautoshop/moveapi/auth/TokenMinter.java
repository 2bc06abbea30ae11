package com.edgarautoshop.moveapi.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar move-api.jar mint-token --private-key key.pem [--sub alice] [--role advisor]
 * [--iss ...] [--aud ...] [--ttl 3600]}: signs an RS256 token for curl and k6 against a local key pair.
 */
public final class TokenMinter {
  private TokenMinter() {}

  public static String mint(List<String> args) throws IOException {
    Map<String, String> options = new HashMap<>(Map.of("--sub", "local-dev", "--role", "advisor", "--ttl", "3600", "--role-claim", "roles"));
    for (int i = 0; i < args.size(); i += 2) {
      if (!args.get(i).startsWith("--") || i + 1 == args.size()) {
        throw new IllegalArgumentException("expected --flag value pairs, got '" + args.get(i) + "' without a value");
      }
      options.put(args.get(i), args.get(i + 1));
    }
    if (!options.containsKey("--private-key")) {
      throw new IllegalArgumentException("--private-key <PKCS#8 PEM file> is required");
    }
    String pem = Files.readString(Path.of(options.get("--private-key")));
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
      JWTOptions claims = new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(Integer.parseInt(options.get("--ttl")))
          .setSubject(options.get("--sub"));
      if (options.containsKey("--iss")) {
        claims.setIssuer(options.get("--iss"));
      }
      if (options.containsKey("--aud")) {
        claims.addAudience(options.get("--aud"));
      }
      return signer.generateToken(new JsonObject().put(options.get("--role-claim"), new JsonArray().add(options.get("--role"))), claims);
    } finally {
      vertx.close();
    }
  }
}
