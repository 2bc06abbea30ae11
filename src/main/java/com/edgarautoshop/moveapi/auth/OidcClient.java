package com.edgarautoshop.moveapi.auth;

import com.edgarautoshop.moveapi.config.AppConfig.OidcSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's identity provider, as vertx-auth-oauth2 sees it after OpenID Connect discovery: it
 * builds the authorization URL, exchanges a code (with its PKCE verifier) for tokens and verifies
 * the ID token's signature, {@code iss}, {@code aud} and {@code azp}. One per service, shared by
 * every verticle.
 */
public final class OidcClient {
  private static final Logger LOG = LoggerFactory.getLogger(OidcClient.class);
  private static final long KEY_REFRESH_MIN_INTERVAL_MS = 60_000;

  private final OAuth2Auth oauth2;
  private final OidcSettings settings;
  private final String signOutUrl;

  private OidcClient(OAuth2Auth oauth2, OidcSettings settings, String signOutUrl) {
    this.oauth2 = oauth2;
    this.settings = settings;
    this.signOutUrl = signOutUrl;
  }

  /** Fetches the issuer's discovery document and keys; a failure stops start-up, as the JWKS fetch does. */
  public static Future<OidcClient> discover(Vertx vertx, OidcSettings settings, int leewaySeconds) {
    OAuth2Options options = new OAuth2Options()
        .setSite(settings.issuer().toString().replaceAll("/+$", ""))
        .setClientId(settings.clientId())
        .setJWTOptions(new JWTOptions().setLeeway(leewaySeconds));
    settings.clientSecret().ifPresent(options::setClientSecret);
    return OpenIDConnectAuth.discover(vertx, options)
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "OpenID Connect discovery at " + settings.issuer() + " failed: " + err.getMessage(), err)))
        .map(oauth2 -> {
          // A key the provider rotated in is fetched when a token names it, at most once a minute.
          AtomicLong lastRefresh = new AtomicLong();
          oauth2.missingKeyHandler(kid -> {
            long now = System.currentTimeMillis();
            long last = lastRefresh.get();
            if (now - last >= KEY_REFRESH_MIN_INTERVAL_MS && lastRefresh.compareAndSet(last, now)) {
              oauth2.jWKSet().onFailure(e -> LOG.warn("Refreshing the OpenID provider's keys failed: {}", e.getMessage()));
            }
          });
          // discover() filled in the provider's end_session_endpoint, if it has one.
          return new OidcClient(oauth2, settings, signOutUrl(settings, options.getLogoutPath()));
        });
  }

  /** Where the browser goes once the local session has ended, so the provider's own session ends too. */
  private static String signOutUrl(OidcSettings settings, String endSessionEndpoint) {
    String signedOut = settings.publicOrigin() + "/?signed_out=1";
    if (settings.logoutUrl().isPresent()) {
      return settings.logoutUrl().get().toString();
    }
    if (endSessionEndpoint == null) {
      return signedOut;
    }
    return endSessionEndpoint + (endSessionEndpoint.contains("?") ? "&" : "?")
        + "client_id=" + encode(settings.clientId()) + "&post_logout_redirect_uri=" + encode(signedOut);
  }

  String authorizeUrl(String state, String codeChallenge, String nonce) {
    return oauth2.authorizeURL(new OAuth2AuthorizationURL()
        .setRedirectUri(settings.redirectUri().toString())
        .setScopes(settings.scopes())
        .setState(state)
        .setCodeChallenge(codeChallenge)
        .setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", nonce));
  }

  /**
   * Exchanges the code and returns the verified ID token's claims. vertx-auth-oauth2 drops an ID
   * token that fails verification rather than failing, so a missing one is a failure here; the
   * nonce and expiry are checked here too, since the library leaves them to the caller.
   */
  Future<JsonObject> exchange(String code, String codeVerifier, String nonce, int leewaySeconds) {
    return oauth2.authenticate(new Oauth2Credentials()
            .setFlow(OAuth2FlowType.AUTH_CODE)
            .setCode(code)
            .setRedirectUri(settings.redirectUri().toString())
            .setCodeVerifier(codeVerifier))
        .compose(user -> {
          JsonObject idToken = user.attributes().getJsonObject("idToken");
          if (idToken == null) {
            return Future.failedFuture("the provider returned no ID token that verifies");
          }
          if (!nonce.equals(idToken.getString("nonce"))) {
            return Future.failedFuture("the ID token's nonce does not match the sign-in's");
          }
          Object exp = idToken.getValue("exp");
          if (!(exp instanceof Number expiry) || expiry.longValue() + leewaySeconds < Instant.now().getEpochSecond()) {
            return Future.failedFuture("the ID token has expired or has no exp");
          }
          return Future.succeededFuture(idToken);
        });
  }

  String signOutUrl() {
    return signOutUrl;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
