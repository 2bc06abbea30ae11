package com.edgarautoshop.moveapi.auth;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.AuthMode;
import com.edgarautoshop.moveapi.config.AppConfig.JwtSettings;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Bearer-JWT check for /api/admin/**: signature, exp, iss, aud and a role of admin or advisor. */
public final class Authenticator {
  private static final String ACTOR_KEY = "actor";
  private static final String ROLES_KEY = "roles";
  private static final Set<String> GRANTING_ROLES = Set.of("admin", "advisor");
  private static final int MAX_SUBJECT_LENGTH = 200;
  private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");

  private final AuthMode mode;
  private final JwtSettings settings;
  /** A configured public key's verifier, or else the JWKS keys. */
  private final JWTAuth fixedKey;
  private final JwksKeys jwks;

  private Authenticator(AuthMode mode, JwtSettings settings, JWTAuth fixedKey, JwksKeys jwks) {
    this.mode = mode;
    this.settings = settings;
    this.fixedKey = fixedKey;
    this.jwks = jwks;
  }

  /** Builds the verifier; with a JWKS URL the keys are fetched now ({@link JwksKeys}). */
  public static Future<Authenticator> create(Vertx vertx, AppConfig config) {
    JwtSettings jwt = config.jwt();
    if (config.authMode() == AuthMode.NONE) {
      return Future.succeededFuture(new Authenticator(AuthMode.NONE, jwt, null, null));
    }
    if (jwt.jwksUrl().isEmpty()) {
      JWTAuthOptions options = baseOptions(jwt);
      jwt.algorithms().forEach(alg -> options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(jwt.publicKeyPem().get())));
      return Future.succeededFuture(new Authenticator(AuthMode.JWT, jwt, JWTAuth.create(vertx, options), null));
    }
    return JwksKeys.start(vertx, jwt, () -> baseOptions(jwt)).map(keys -> new Authenticator(AuthMode.JWT, jwt, null, keys));
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
    String token = header.substring(7).trim();
    // compose turns anything the verifier throws on odd claims (an exp that is a string) into a failure: 401, not 500.
    verifier(token).compose(auth -> auth.authenticate(new TokenCredentials(token))).onComplete(result -> {
      if (result.failed()) {
        unauthorized(ctx, "The bearer token is invalid or expired.");
        return;
      }
      // vertx-auth-jwt keeps the decoded claims under the user's "accessToken" attribute
      JsonObject claims = result.result().attributes().getJsonObject("accessToken", new JsonObject());
      if (!(claims.getValue("exp") instanceof Number)) {
        unauthorized(ctx, "The bearer token has no numeric expiry (exp).");
        return;
      }
      if (!(claims.getValue("sub") instanceof String subject) || subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH
          || CONTROL_CHARACTERS.matcher(subject).find()) {
        unauthorized(ctx, "The bearer token needs a subject (sub) of 1 to " + MAX_SUBJECT_LENGTH + " characters without control characters.");
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
      ctx.put(ACTOR_KEY, subject);
      ctx.put(ROLES_KEY, roles);
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

  private Future<JWTAuth> verifier(String token) {
    return fixedKey != null ? Future.succeededFuture(fixedKey) : jwks.verifierFor(kid(token));
  }

  /** The token header's kid, or null when there is none or the header is not readable (verification then fails). */
  private static String kid(String token) {
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.", 2)[0]), StandardCharsets.UTF_8));
      return header.getValue("kid") instanceof String kid ? kid : null;
    } catch (RuntimeException unreadable) {
      return null;
    }
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
