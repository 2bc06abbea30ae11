package com.edgarautoshop.moveapi.auth;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.AuthMode;
import com.edgarautoshop.moveapi.config.AppConfig.JwtSettings;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bearer-JWT check for /api/admin/**: signature, exp, iss, aud and a role of admin or advisor. */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final String ACTOR_KEY = "actor";
  private static final String ROLES_KEY = "roles";
  private static final String EXPIRY_KEY = "tokenExpiry";
  private static final Set<String> GRANTING_ROLES = Set.of("admin", "advisor");
  private static final long JWKS_REFRESH_MS = 15 * 60 * 1000;

  private final AuthMode mode;
  private final JwtSettings settings;
  private volatile JWTAuth jwtAuth;

  private Authenticator(AuthMode mode, JwtSettings settings, JWTAuth jwtAuth) {
    this.mode = mode;
    this.settings = settings;
    this.jwtAuth = jwtAuth;
  }

  /** Builds the verifier; with a JWKS URL the keys are fetched now and refreshed periodically. */
  public static Future<Authenticator> create(Vertx vertx, AppConfig config) {
    JwtSettings jwt = config.jwt();
    if (config.authMode() == AuthMode.NONE) {
      return Future.succeededFuture(new Authenticator(AuthMode.NONE, jwt, null));
    }
    if (jwt.jwksUrl().isEmpty()) {
      JWTAuthOptions options = baseOptions(jwt);
      jwt.algorithms().forEach(alg -> options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(jwt.publicKeyPem().get())));
      return Future.succeededFuture(new Authenticator(AuthMode.JWT, jwt, JWTAuth.create(vertx, options)));
    }
    HttpClient client = vertx.createHttpClient();
    return fetchJwks(vertx, client, jwt).map(auth -> {
      Authenticator authenticator = new Authenticator(AuthMode.JWT, jwt, auth);
      vertx.setPeriodic(JWKS_REFRESH_MS, id -> fetchJwks(vertx, client, jwt)
          .onSuccess(fresh -> authenticator.jwtAuth = fresh)
          .onFailure(err -> LOG.warn("JWKS refresh from {} failed; keeping the previous keys: {}", jwt.jwksUrl().get(), err.getMessage())));
      return authenticator;
    });
  }

  private static Future<JWTAuth> fetchJwks(Vertx vertx, HttpClient client, JwtSettings jwt) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(jwt.jwksUrl().get()).setTimeout(5000))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200
            ? response.body()
            : Future.failedFuture("JWKS URL answered HTTP " + response.statusCode()))
        .map(body -> {
          JsonArray keys = body.toJsonObject().getJsonArray("keys", new JsonArray());
          JWTAuthOptions options = baseOptions(jwt);
          for (Object key : keys) {
            JsonObject jwk = (JsonObject) key;
            // Only keys for the configured asymmetric algorithms; an HMAC ("oct") key is never accepted.
            if (!"oct".equals(jwk.getString("kty")) && jwt.algorithms().contains(jwk.getString("alg", jwt.algorithms().get(0)))) {
              options.addJwk(jwk.copy().put("alg", jwk.getString("alg", jwt.algorithms().get(0))));
            }
          }
          return JWTAuth.create(vertx, options);
        });
  }

  private static JWTAuthOptions baseOptions(JwtSettings jwt) {
    JWTOptions verify = new JWTOptions().setLeeway(jwt.leewaySeconds()).setIgnoreExpiration(false);
    jwt.issuer().ifPresent(verify::setIssuer);
    if (!jwt.audience().isEmpty()) {
      verify.setAudience(jwt.audience());
    }
    return new JWTAuthOptions().setJWTOptions(verify);
  }

  /** The token's subject, or "demo" when auth is off; recorded as the move history's actor. */
  public static String actor(RoutingContext ctx) {
    return ctx.get(ACTOR_KEY);
  }

  /** The verified token's exp (epoch seconds); empty when auth is off. A board stream ends when its token does. */
  public static OptionalLong tokenExpiry(RoutingContext ctx) {
    return ctx.get(EXPIRY_KEY) instanceof Number exp ? OptionalLong.of(exp.longValue()) : OptionalLong.empty();
  }

  public void handle(RoutingContext ctx) {
    if (mode == AuthMode.NONE) {
      ctx.put(ACTOR_KEY, "demo");
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      unauthorized(ctx, "A bearer token is required.");
      return;
    }
    jwtAuth.authenticate(new TokenCredentials(header.substring(7).trim())).onComplete(result -> {
      if (result.failed()) {
        unauthorized(ctx, "The bearer token is invalid or expired.");
        return;
      }
      // vertx-auth-jwt keeps the decoded claims under the user's "accessToken" attribute
      JsonObject claims = result.result().attributes().getJsonObject("accessToken", new JsonObject());
      if (!claims.containsKey("exp")) {
        unauthorized(ctx, "The bearer token has no expiry (exp).");
        return;
      }
      if (!settings.audience().isEmpty() && !intersects(claims.getValue("aud"), settings.audience())) {
        unauthorized(ctx, "The bearer token is not meant for this service (aud).");
        return;
      }
      Object roles = claims.getValue(settings.roleClaim());
      if (!intersects(roles, GRANTING_ROLES)) {
        Responses.fail(ctx, new ApiError(403, "forbidden", "The token does not grant the admin or advisor role."));
        return;
      }
      ctx.put(ACTOR_KEY, claims.getString("sub", "unknown"));
      ctx.put(ROLES_KEY, roles);
      ctx.put(EXPIRY_KEY, claims.getValue("exp"));
      ctx.next();
    });
  }

  /** For a route that only {@code role} may use, after {@link #handle}; with auth off every route is open. */
  public Handler<RoutingContext> requireRole(String role) {
    return ctx -> {
      if (mode == AuthMode.NONE || intersects(ctx.get(ROLES_KEY), Set.of(role))) {
        ctx.next();
      } else {
        Responses.fail(ctx, new ApiError(403, "forbidden", "The token does not grant the " + role + " role."));
      }
    };
  }

  /** A claim that is a string (space- or comma-separated) or an array of strings, matched against accepted values. */
  private static boolean intersects(Object claim, java.util.Collection<String> accepted) {
    if (claim instanceof String value) {
      return List.of(value.split("[ ,]")).stream().anyMatch(accepted::contains);
    }
    if (claim instanceof JsonArray values) {
      return values.stream().anyMatch(accepted::contains);
    }
    return false;
  }

  private static void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    Responses.fail(ctx, new ApiError(401, "unauthorized", message));
  }
}
