package com.edgarautoshop.moveapi.auth;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.AuthMode;
import com.edgarautoshop.moveapi.config.AppConfig.OidcSettings;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.cookie.CookieSessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board page's sign-in (AUTH_MODE=oidc): {@code GET /auth/login} starts the authorization code
 * flow with PKCE, {@code GET /auth/callback} ends it in a session, {@code POST /auth/logout} ends
 * the session, {@code GET /auth/session} tells the page who is signed in (in every mode).
 *
 * <p>The session lives in an AES-GCM encrypted cookie (vertx-web's CookieSessionStore, keyed by
 * SESSION_SECRET), so any instance behind the load balancer can read it, and holds only the
 * subject, a display name, the granting roles and an absolute expiry: the provider's tokens
 * (several KB with Cognito) would not fit a cookie. One per verticle, since the cookie store binds
 * to the event loop that creates it.
 */
public final class SignIn {
  private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);
  public static final String COOKIE = "board_session";
  private static final String STATE = "oidc.state";
  private static final String VERIFIER = "oidc.verifier";
  private static final String NONCE = "oidc.nonce";
  private static final String RETURN_TO = "oidc.return_to";
  private static final String SUB = "sub";
  private static final String NAME = "name";
  private static final String ROLES = "roles";
  private static final String EXPIRES_AT = "expires_at";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_SUBJECT_LENGTH = 200;

  /** Who a valid session belongs to; {@code expiresAt} is absolute, counted from sign-in. */
  public record Identity(String sub, String name, JsonArray roles, Instant expiresAt) {}

  private final AuthMode mode;
  private final Optional<OidcClient> oidc;
  private final Optional<OidcSettings> settings;
  private final String roleClaim;
  private final int leewaySeconds;
  private final SessionHandler sessions;

  public SignIn(Vertx vertx, AppConfig config, Optional<OidcClient> oidc) {
    this.mode = config.authMode();
    this.oidc = oidc;
    this.settings = config.oidc();
    this.roleClaim = config.jwt().roleClaim();
    this.leewaySeconds = config.jwt().leewaySeconds();
    this.sessions = settings.map(s -> SessionHandler.create(CookieSessionStore.create(vertx, s.sessionSecret()))
            .setSessionCookieName(COOKIE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSecureFlag(s.cookieSecure())
            .setCookieSameSite(CookieSameSite.LAX)
            .setSessionTimeout(s.sessionMaxAge().toMillis())
            .setCookieMaxAge(s.sessionMaxAge().toSeconds())
            // a request that never touches its session (a bearer call, a signed-out page) gets no cookie
            .setLazySession(true))
        .orElse(null);
  }

  /** Reads the session cookie, only where a session can matter: sign-in is on and no bearer token was sent. */
  public void loadSession(RoutingContext ctx) {
    if (sessions == null || ctx.request().getHeader("Authorization") != null) {
      ctx.next();
    } else {
      sessions.handle(ctx);
    }
  }

  /** The signed-in user of this request's session, if its session is valid and unexpired. */
  public static Optional<Identity> identity(RoutingContext ctx) {
    Session session = ctx.session();
    if (session == null || session.get(SUB) == null) {
      return Optional.empty();
    }
    Instant expiresAt = Instant.ofEpochMilli(session.<Long>get(EXPIRES_AT));
    if (!Instant.now().isBefore(expiresAt)) {
      return Optional.empty();
    }
    return Optional.of(new Identity(session.get(SUB), session.get(NAME), session.get(ROLES), expiresAt));
  }

  /**
   * A browser sends its cookies with requests other sites start, so a session may only write when
   * the request comes from the board's own origin (SameSite=Lax already keeps cross-site POSTs
   * cookieless in current browsers; this covers the rest). Bearer calls are not affected.
   */
  static boolean fromOrigin(RoutingContext ctx, String pageOrigin) {
    return pageOrigin != null && pageOrigin.equals(ctx.request().getHeader("Origin"));
  }

  /** {@code GET /auth/session}: the auth mode and, with sign-in, who is signed in until when. */
  public void describe(RoutingContext ctx) {
    JsonObject data = new JsonObject().put("auth_mode", mode.name().toLowerCase());
    Optional<Identity> who = sessions == null ? Optional.empty() : identity(ctx);
    data.put("signed_in", who.isPresent());
    who.ifPresent(id -> data.put("sub", id.sub()).put("name", id.name()).put("roles", id.roles()).put("expires_at", id.expiresAt().toString()));
    Responses.ok(ctx, data);
  }

  /** {@code GET /auth/login?return_to=/path}: off to the provider, with state, nonce and a PKCE challenge kept in the session. */
  public void login(RoutingContext ctx) {
    if (oidc.isEmpty()) {
      notEnabled(ctx);
      return;
    }
    String verifier = random(48);
    Session session = ctx.session();
    session.put(STATE, random(24));
    session.put(VERIFIER, verifier);
    session.put(NONCE, random(24));
    session.put(RETURN_TO, localPath(ctx.request().getParam("return_to")));
    ctx.redirect(oidc.get().authorizeUrl(session.get(STATE), sha256(verifier), session.get(NONCE)));
  }

  /** {@code GET /auth/callback?code&state}: the provider's answer; a session on success, the page with a reason otherwise. */
  public void callback(RoutingContext ctx) {
    if (oidc.isEmpty()) {
      notEnabled(ctx);
      return;
    }
    Session session = ctx.session();
    String expectedState = session.remove(STATE);
    String verifier = session.remove(VERIFIER);
    String nonce = session.remove(NONCE);
    String returnTo = Optional.<String>ofNullable(session.remove(RETURN_TO)).orElse("/");
    String code = ctx.request().getParam("code");
    if (ctx.request().getParam("error") != null || code == null) {
      LOG.info("sign-in refused by the provider: {}", ctx.request().getParam("error"));
      failed(ctx, "refused");
      return;
    }
    if (expectedState == null || !expectedState.equals(ctx.request().getParam("state"))) {
      // an old tab, a second sign-in in another tab, or a forged callback
      failed(ctx, "expired");
      return;
    }
    oidc.get().exchange(code, verifier, nonce, leewaySeconds).onComplete(result -> {
      if (result.failed()) {
        LOG.warn("sign-in failed: {}", result.cause().getMessage());
        failed(ctx, "failed");
        return;
      }
      JsonObject claims = result.result();
      String sub = claims.getString("sub");
      if (sub == null || sub.isEmpty() || sub.length() > MAX_SUBJECT_LENGTH) {
        failed(ctx, "failed");
        return;
      }
      JsonArray roles = Authenticator.grantingRoles(claims.getValue(roleClaim));
      if (roles.isEmpty()) {
        failed(ctx, "forbidden");
        return;
      }
      // a new session id on sign-in, so that a cookie planted earlier is not the signed-in one
      session.regenerateId();
      session.put(SUB, sub);
      session.put(NAME, displayName(claims));
      session.put(ROLES, roles);
      session.put(EXPIRES_AT, Instant.now().plus(settings.get().sessionMaxAge()).toEpochMilli());
      ctx.redirect(returnTo);
    });
  }

  /** {@code POST /auth/logout}: ends the session here and answers where to end it at the provider, which sends the browser back signed out. */
  public void logout(RoutingContext ctx) {
    if (oidc.isEmpty()) {
      notEnabled(ctx);
      return;
    }
    if (!fromOrigin(ctx, settings.get().publicOrigin())) {
      Responses.fail(ctx, new ApiError(403, "forbidden", "Sign-out must come from the board page."));
      return;
    }
    ctx.session().destroy();
    // The page goes there itself: a form's navigation would carry "Origin: null" under Referrer-Policy: no-referrer.
    Responses.ok(ctx, new JsonObject().put("next", oidc.get().signOutUrl()));
  }

  private static void failed(RoutingContext ctx, String reason) {
    ctx.session().remove(SUB);
    ctx.redirect("/?signin_error=" + reason);
  }

  private void notEnabled(RoutingContext ctx) {
    Responses.fail(ctx, ApiError.notFound("Sign-in is not enabled (AUTH_MODE=" + mode.name().toLowerCase() + ")."));
  }

  /** Only a path on this site, so the sign-in cannot be used to send someone elsewhere. */
  static String localPath(String returnTo) {
    if (returnTo == null || !returnTo.startsWith("/") || returnTo.startsWith("//") || returnTo.startsWith("/\\")
        || returnTo.length() > 512 || returnTo.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return "/";
    }
    return returnTo;
  }

  private static String displayName(JsonObject claims) {
    for (String claim : new String[] {"name", "email", "cognito:username", "preferred_username"}) {
      if (claims.getValue(claim) instanceof String value && !value.isBlank() && value.length() <= 200) {
        return value;
      }
    }
    return claims.getString("sub");
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    RANDOM.nextBytes(value);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
  }

  /** The PKCE S256 challenge of a verifier (RFC 7636). */
  static String sha256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
