package com.edgarautoshop.moveapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.LocalOidcProvider;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import com.edgarautoshop.moveapi.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The board's sign-in over real HTTP: authorization code with PKCE through a local OpenID provider,
 * a session cookie that a second instance accepts, the Origin rule on writes, sign-out, expiry,
 * and bearer tokens still working beside it.
 */
class SignInTest {
  private static LocalOidcProvider provider;
  private static Vertx vertx;
  private static Tokens tokens;
  private static TestService first;
  private static TestService second;
  private static TestService shortSessions;

  @BeforeAll
  static void start() {
    provider = LocalOidcProvider.start();
    vertx = Vertx.vertx();
    tokens = Tokens.create(vertx);
    first = start("PT10H");
    second = start("PT10H");
    shortSessions = start("PT5S");
  }

  private static TestService start(String sessionMaxAge) {
    return TestService.start(TestPostgres.url(), provider.serviceEnv(TestService.freePort(), sessionMaxAge, tokens.publicPem()));
  }

  @AfterAll
  static void stop() throws Exception {
    for (TestService service : new TestService[] {first, second, shortSessions}) {
      if (service != null) {
        service.close();
      }
    }
    if (vertx != null) {
      vertx.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  /** What a browser does: /auth/login, the provider's form, the callback; answers the session cookie ("name=value"). */
  static String signIn(Api api, String user, String role) {
    Reply login = api.get("/auth/login?return_to=" + URLEncoder.encode("/?date=2031-01-01", StandardCharsets.UTF_8));
    assertThat(login.status()).isEqualTo(302);
    String loginCookie = cookie(login);
    String authorize = login.header("Location");
    assertThat(authorize).startsWith(provider.issuer()).contains("code_challenge_method=S256").contains("nonce=").contains("state=");
    Reply form = api.send(HttpRequest.newBuilder(URI.create(authorize)).GET().build());
    assertThat(form.raw().body()).contains("name=\"username\"");
    String fields = "username=" + encode(user) + "&claims=" + encode(LocalOidcProvider.claimsWithRole(role));
    Reply submitted = api.send(HttpRequest.newBuilder(URI.create(authorize))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(fields)).build());
    assertThat(submitted.status()).isEqualTo(302);
    String callback = submitted.header("Location");
    assertThat(callback).startsWith(api.base() + "/auth/callback?code=");
    Reply done = api.send(api.request(callback.substring(api.base().length()), "Cookie", loginCookie).GET().build());
    assertThat(done.status()).isEqualTo(302);
    if (done.header("Location").contains("signin_error")) {
      return done.header("Location");
    }
    assertThat(done.header("Location")).isEqualTo("/?date=2031-01-01");
    return cookie(done);
  }

  private static String cookie(Reply reply) {
    String setCookie = reply.raw().headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(LocalOidcProvider.sessionCookieName() + "=")).findFirst().orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void aSignedInSessionIsAcceptedByAnotherInstanceAndRecordsTheSubjectAsActor() {
    String session = signIn(first.api(), "alice", "advisor");
    JsonObject who = second.api().get("/auth/session", "Cookie", session).data();
    assertThat(who.getString("auth_mode")).isEqualTo("oidc");
    assertThat(who.getBoolean("signed_in")).isTrue();
    assertThat(who.getString("sub")).isEqualTo("alice");
    assertThat(who.getString("name")).isEqualTo("Test Advisor");
    assertThat(who.getJsonArray("roles")).containsExactly("advisor");

    String id = second.api().createCard(Api.freshDate(), 9, "Cookie", session, "Origin", second.api().base()).getString("id");
    Reply moved = second.api().move(id, "in_progress", 1, "Cookie", session, "Origin", second.api().base());
    assertThat(moved.status()).isEqualTo(200);
    JsonObject history = first.api().get("/api/admin/appointments/" + id + "/history", "Cookie", session).data();
    assertThat(history.getJsonArray("items").getJsonObject(0).getString("actor")).isEqualTo("alice");
  }

  @Test
  void theSessionCookieIsHttpOnlyLaxAndCarriesNoTokens() {
    Reply login = first.api().get("/auth/login");
    String setCookie = login.raw().headers().allValues("Set-Cookie").get(0);
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax").contains("Path=/");
    String session = signIn(first.api(), "bob", "admin");
    // The cookie holds the subject, name, roles and expiry, encrypted: a few hundred bytes, not the provider's tokens.
    assertThat(session.length()).isLessThan(600);
    assertThat(session).doesNotContain("bob").doesNotContain("eyJ");
  }

  @Test
  void aSessionWriteNeedsTheBoardsOwnOrigin() {
    String session = signIn(first.api(), "carol", "advisor");
    String id = first.api().createCard(Api.freshDate(), 10, "Cookie", session, "Origin", first.api().base()).getString("id");
    Reply noOrigin = first.api().move(id, "in_progress", 1, "Cookie", session);
    assertThat(noOrigin.status()).isEqualTo(403);
    assertThat(noOrigin.error().getString("code")).isEqualTo("forbidden");
    Reply otherSite = first.api().move(id, "in_progress", 1, "Cookie", session, "Origin", "https://evil.example");
    assertThat(otherSite.status()).isEqualTo(403);
    assertThat(first.api().get("/api/admin/appointments/" + id, "Cookie", session).data().getInteger("version")).isEqualTo(1);
  }

  @Test
  void aUserWithoutTheRoleGetsNoSession() {
    String outcome = signIn(first.api(), "mechanic-1", "mechanic");
    assertThat(outcome).isEqualTo("/?signin_error=forbidden");
  }

  @Test
  void aCallbackWithAnotherStateIsRefused() {
    Reply login = first.api().get("/auth/login");
    Reply callback = first.api().get("/auth/callback?code=abc&state=forged", "Cookie", cookie(login));
    assertThat(callback.status()).isEqualTo(302);
    assertThat(callback.header("Location")).isEqualTo("/?signin_error=expired");
  }

  @Test
  void returnToOnlyLeadsToThisSite() {
    assertThat(SignIn.localPath("/?date=2031-01-01")).isEqualTo("/?date=2031-01-01");
    assertThat(SignIn.localPath("//evil.example/")).isEqualTo("/");
    assertThat(SignIn.localPath("https://evil.example/")).isEqualTo("/");
    assertThat(SignIn.localPath("/\\evil.example")).isEqualTo("/");
    assertThat(SignIn.localPath(null)).isEqualTo("/");
  }

  @Test
  void signOutEndsTheSessionAndNamesTheProvidersSignOut() {
    String session = signIn(first.api(), "dave", "advisor");
    Reply crossSite = first.api().send(first.api().request("/auth/logout", "Cookie", session, "Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(crossSite.status()).isEqualTo(403);
    Reply out = first.api().send(first.api().request("/auth/logout", "Cookie", session, "Origin", first.api().base())
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(out.status()).isEqualTo(200);
    assertThat(out.data().getString("next")).startsWith(provider.issuer() + "/endsession?client_id=" + LocalOidcProvider.CLIENT_ID)
        .contains("post_logout_redirect_uri=" + encode(first.api().base() + "/?signed_out=1"));
    assertThat(out.raw().headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(LocalOidcProvider.sessionCookieName() + "=;")
        || c.contains("Max-Age=0"));
    // A browser drops the cookie; whoever kept a copy still holds a valid one until it expires, as with any stateless session.
    Reply afterwards = first.api().get("/auth/session");
    assertThat(afterwards.data().getBoolean("signed_in")).isFalse();
  }

  @Test
  void anExpiredSessionIsSignedOutWith401() {
    String session = signIn(shortSessions.api(), "erin", "advisor");
    assertThat(shortSessions.api().get("/api/admin/workflow", "Cookie", session).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .until(() -> shortSessions.api().get("/api/admin/workflow", "Cookie", session).status() == 401);
    Reply expired = shortSessions.api().get("/api/admin/workflow", "Cookie", session);
    assertThat(expired.error().getString("message")).isEqualTo("You are signed out; sign in again.");
    assertThat(shortSessions.api().get("/auth/session", "Cookie", session).data().getBoolean("signed_in")).isFalse();
  }

  @Test
  void aForgedOrTamperedCookieIsNoSession() {
    String session = signIn(first.api(), "frank", "advisor");
    String tampered = session.substring(0, session.length() - 3) + (session.endsWith("AAA") ? "BBB" : "AAA");
    assertThat(first.api().get("/api/admin/workflow", "Cookie", tampered).status()).isEqualTo(401);
    assertThat(first.api().get("/api/admin/workflow", "Cookie", LocalOidcProvider.sessionCookieName() + "=not-a-session").status()).isEqualTo(401);
  }

  @Test
  void bearerTokensStillWorkBesideSignIn() {
    String token = tokens.mint("k6-runner", "admin", LocalOidcProvider.ROLE_CLAIM);
    LocalDate date = Api.freshDate();
    String id = first.api().createCard(date, 11, "Authorization", "Bearer " + token).getString("id");
    // no Origin needed: a bearer token is never sent by a browser on its own
    assertThat(first.api().move(id, "in_progress", 1, "Authorization", "Bearer " + token).status()).isEqualTo(200);
    assertThat(first.api().get("/api/admin/workflow", "Authorization", "Bearer " + tokens.mint("x", "mechanic", LocalOidcProvider.ROLE_CLAIM)).status()).isEqualTo(403);
    Reply none = first.api().get("/api/admin/workflow");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.raw().headers().allValues("Set-Cookie")).isEmpty();

  }
}
