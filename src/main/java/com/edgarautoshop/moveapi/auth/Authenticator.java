package com.edgarautoshop.moveapi.auth;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.AuthMode;
import com.edgarautoshop.moveapi.config.AppConfig.JwtSettings;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The check on /api/admin/**: a bearer JWT (signature, exp, iss, aud, a role of admin or advisor),
 * or, with AUTH_MODE=oidc and no Authorization header, the board page's signed-in session.
 */
public final class Authenticator {
  private static final String ACTOR_KEY = "actor";
  private static final String ROLES_KEY = "roles";
  private static final String EXPIRES_AT_KEY = "auth.expiresAt";
  private static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
  private static final Set<String> GRANTING_ROLES = Set.of("admin", "advisor");
  private static final int MAX_SUBJECT_LENGTH = 200;
  private static final Pattern CONTROL_CHARACTERS = Pattern.compile("\\p{Cntrl}");

  private final AuthMode mode;
  private final JwtSettings settings;
  /** The board page's origin, the only one a signed-in session may write from (AUTH_MODE=oidc). */
  private final String pageOrigin;
  /** A configured public key's verifier, or else the JWKS keys. */
  private final JWTAuth fixedKey;
  private final JwksKeys jwks;

  private Authenticator(AppConfig config, JWTAuth fixedKey, JwksKeys jwks) {
    this.mode = config.authMode();
    this.settings = config.jwt();
    this.pageOrigin = config.oidc().map(AppConfig.OidcSettings::publicOrigin).orElse(null);
    this.fixedKey = fixedKey;
    this.jwks = jwks;
  }

  /** Builds the verifier; with a JWKS URL the keys are fetched now ({@link JwksKeys}). */
  public static Future<Authenticator> create(Vertx vertx, AppConfig config) {
    JwtSettings jwt = config.jwt();
    if (config.authMode() == AuthMode.NONE) {
      return Future.succeededFuture(new Authenticator(config, null, null));
    }
    if (jwt.jwksUrl().isEmpty()) {
      JWTAuthOptions options = baseOptions(jwt);
      jwt.algorithms().forEach(alg -> options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(jwt.publicKeyPem().get())));
      return Future.succeededFuture(new Authenticator(config, JWTAuth.create(vertx, options), null));
    }
    return JwksKeys.start(vertx, jwt, () -> baseOptions(jwt)).map(keys -> new Authenticator(config, null, keys));
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

  /** When the caller's credential ends: the bearer token's exp, or the session's expiry; empty without auth. */
  public static Optional<Instant> expiresAt(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(EXPIRES_AT_KEY));
  }

  public void handle(RoutingContext ctx) {
    if (mode == AuthMode.NONE) {
      ctx.put(ACTOR_KEY, "demo");
      ctx.next();
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    if (mode == AuthMode.OIDC && header == null) {
      withSession(ctx);
      return;
    }
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
      if (!(claims.getValue("exp") instanceof Number exp)) {
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
      JsonArray roles = grantingRoles(claims.getValue(settings.roleClaim()));
      if (roles.isEmpty()) {
        Responses.fail(ctx, new ApiError(403, "forbidden", "The token does not grant the admin or advisor role."));
        return;
      }
      ctx.put(ACTOR_KEY, subject);
      ctx.put(ROLES_KEY, roles);
      ctx.put(EXPIRES_AT_KEY, expiry(exp));
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

  /** A verified exp as an instant; a signed exp past what Instant holds (or a fraction) still means "far ahead". */
  private static Instant expiry(Number exp) {
    double seconds = Math.max(0, Math.min(exp.doubleValue(), LATEST_EXPIRY.getEpochSecond()));
    return Instant.ofEpochSecond((long) seconds);
  }

  /** The signed-in page: a valid session (its role was checked at sign-in), and writes only from the board's own origin. */
  private void withSession(RoutingContext ctx) {
    Optional<SignIn.Identity> identity = SignIn.identity(ctx);
    if (identity.isEmpty()) {
      Responses.fail(ctx, new ApiError(401, "unauthorized", "You are signed out; sign in again."));
      return;
    }
    HttpMethod method = ctx.request().method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD && !SignIn.fromOrigin(ctx, pageOrigin)) {
      Responses.fail(ctx, new ApiError(403, "forbidden", "A signed-in write must come from the board page itself (Origin)."));
      return;
    }
    ctx.put(ACTOR_KEY, identity.get().sub());
    ctx.put(EXPIRES_AT_KEY, identity.get().expiresAt());
    ctx.put(ROLES_KEY, identity.get().roles());
    ctx.next();
  }

  /** The roles of a role claim that grant access (admin, advisor): the one role rule of bearer tokens and sign-in alike. */
  static JsonArray grantingRoles(Object roleClaim) {
    List<String> roles = roleClaim instanceof String value ? List.of(value.split("[ ,]"))
        : roleClaim instanceof JsonArray values ? values.stream().filter(String.class::isInstance).map(String.class::cast).toList()
        : List.of();
    return new JsonArray(roles.stream().filter(GRANTING_ROLES::contains).distinct().sorted().toList());
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
