package com.edgarautoshop.moveapi.page;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.auth.TokenMinter;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.TestService;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status board page in Debian's headless Chromium against the real service and PostgreSQL. */
class BoardPageTest {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final String MOVE_URL = "**/api/admin/appointments/*/move";
  private static TestService service;
  private static Api api;
  private static Playwright playwright;
  private static Browser browser;
  private Page page;

  @BeforeAll
  static void start() {
    boolean present = Files.isExecutable(CHROMIUM);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but " + CHROMIUM + " is missing: .ci/run must install Debian's chromium");
    }
    Assumptions.assumeTrue(present, "Skipping the browser tests: " + CHROMIUM + " is missing (apt-get install chromium)");
    service = TestService.start(Map.of());
    api = service.api();
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(CHROMIUM).setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (playwright != null) {
      playwright.close();
    }
    if (service != null) {
      service.close();
    }
  }

  @BeforeEach
  void newPage() {
    page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 800));
  }

  @AfterEach
  void closePage() {
    page.context().close();
  }

  /** Opens the board and waits until its stream is live, so its catch-up reload cannot re-render mid-drag. */
  private void open(LocalDate date) {
    openWithoutWaitingForTheStream(date);
    assertThat(page.locator("body[data-live='true']")).hasCount(1);
  }

  private void openWithoutWaitingForTheStream(LocalDate date) {
    page.navigate(api.base() + "/?date=" + date);
    assertThat(page.locator(".card").first()).isVisible();
  }

  private Locator card(String id) {
    return page.locator(".card[data-id='" + id + "']");
  }

  private Locator column(String status) {
    return page.locator(".column[data-status='" + status + "']");
  }

  @Test
  void aDraggedCardStaysInItsNewColumnAfterReloadAndTheServerHasTheNewVersion() throws Exception {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 9).getString("id");
    api.createCard(date, 11);
    open(date);

    card(id).dragTo(column("in_progress"));
    assertThat(column("in_progress").locator(".card[data-id='" + id + "'][data-version='2']")).isVisible();
    assertThat(column("in_progress").locator(".count")).hasText("1");

    page.reload();
    assertThat(column("in_progress").locator(".card[data-id='" + id + "']")).isVisible();
    JsonObject server = api.card(id);
    assertThat(server.getString("status")).isEqualTo("in_progress");
    assertThat(server.getInteger("version")).isEqualTo(2);
    assertThat(page.locator("#stat-jobs")).hasText("2");
    assertThat(page.locator("#stat-onprem")).hasText("1");
    assertThat((Integer) page.evaluate("window.moveTimings.length")).isZero(); // a reload starts a fresh record

    Path shot = Paths.get("target", "screenshots", "board.png");
    Files.createDirectories(shot.getParent());
    page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
    assertThat(Files.size(shot)).isPositive();
    page.setViewportSize(820, 1180); // a tablet held upright
    Path tablet = shot.resolveSibling("board-tablet.png");
    page.screenshot(new Page.ScreenshotOptions().setPath(tablet).setFullPage(true));
    assertThat(Files.size(tablet)).isPositive();
  }

  @Test
  void aMoveInOnePageAppearsInAnotherWithoutReload() {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 9).getString("id");
    open(date);
    Page other = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 800));
    try {
      other.navigate(api.base() + "/?date=" + date);
      assertThat(other.locator(".card[data-id='" + id + "']")).isVisible();
      other.waitForTimeout(500); // let its stream connect

      card(id).dragTo(column("in_progress"));
      assertThat(other.locator(".column[data-status='in_progress'] .card[data-id='" + id + "'][data-version='2']"))
          .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(1000));
      String created = api.createCard(date, 14).getString("id");
      assertThat(other.locator(".column[data-status='scheduled'] .card[data-id='" + created + "']"))
          .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(1000));
    } finally {
      other.close();
    }
  }

  @Test
  void aStaleCardTakesTheServersStateAndToldToTryAgain() {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 10).getString("id");
    // Without live updates the page cannot learn of the change below, so its card really is stale.
    page.route("**/api/admin/appointments/stream*", route -> route.abort());
    openWithoutWaitingForTheStream(date);
    assertThat(api.move(id, "no_show", 1).status()).isEqualTo(200); // behind the page's back

    card(id).dragTo(column("in_progress"));
    assertThat(page.locator(".toast", new Page.LocatorOptions().setHasText("Board updated; try again"))).isVisible();
    assertThat(column("no_show").locator(".card[data-id='" + id + "'][data-version='2']")).isVisible();
    assertThat(column("in_progress").locator(".card")).hasCount(0);
    assertThat(api.card(id).getString("status")).isEqualTo("no_show");
    assertThat((Integer) page.evaluate("window.moveTimings.length")).isEqualTo(1);
  }

  @Test
  void aServerErrorOrANetworkFailureRollsTheCardBackWithAnErrorToast() {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 10).getString("id");
    open(date);
    page.route(MOVE_URL, route -> route.fulfill(new Route.FulfillOptions().setStatus(500)
        .setContentType("application/json")
        .setBody("{\"ok\":false,\"error\":{\"code\":\"internal_error\",\"message\":\"The request failed.\"}}")));

    card(id).dragTo(column("in_progress"));
    assertThat(page.locator(".toast.error")).containsText("Move failed (500)");
    assertThat(column("scheduled").locator(".card[data-id='" + id + "'][data-version='1']")).isVisible();
    assertThat(column("scheduled").locator(".card.pending")).hasCount(0);

    page.unroute(MOVE_URL);
    page.route(MOVE_URL, route -> route.abort("connectionreset"));
    card(id).locator("select").selectOption("no_show");
    assertThat(page.locator(".toast.error", new Page.LocatorOptions().setHasText("did not answer"))).isVisible();
    assertThat(column("scheduled").locator(".card[data-id='" + id + "'][data-version='1']")).isVisible();
    assertThat(api.card(id).getInteger("version")).isEqualTo(1);
  }

  @Test
  void aSecondMoveWhileTheFirstIsPendingSendsNoRequestAndASlowOneIsReported() {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 10).getString("id");
    open(date);
    // Playwright for Java runs route handlers on the test's thread, so the request is held, not blocked, and resumed later.
    List<Route> held = new ArrayList<>();
    page.route(MOVE_URL, held::add);

    card(id).dragTo(column("in_progress"));
    assertThat(card(id)).hasClass(Pattern.compile("pending"));
    // From in_progress the workflow allows ready: the pending card must ignore it.
    card(id).dragTo(column("ready"));
    page.waitForTimeout(300);
    assertThat(held).hasSize(1);
    assertThat(column("ready").locator(".card")).hasCount(0);
    assertThat(page.locator(".toast", new Page.LocatorOptions().setHasText("Slow operation"))).isVisible();
    held.get(0).resume();
    assertThat(column("in_progress").locator(".card[data-id='" + id + "'][data-version='2']")).not().hasClass(Pattern.compile("pending"));
    assertThat(held).hasSize(1);
    assertThat(api.historyCount(id)).isEqualTo(1);
  }

  @Test
  void aColumnTheWorkflowForbidsIsNoDropTarget() {
    LocalDate date = Api.freshDate();
    String scheduled = api.createCard(date, 9).getString("id");
    String completed = api.createCard(date, 10).getString("id");
    assertThat(api.move(completed, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.move(completed, "completed", 2).status()).isEqualTo(200);
    open(date);
    AtomicInteger moves = new AtomicInteger();
    page.onRequest(request -> {
      if (request.url().endsWith("/move")) {
        moves.incrementAndGet();
      }
    });

    card(scheduled).dragTo(column("ready"));
    assertThat(card(completed).getAttribute("draggable")).isEqualTo("false");
    assertThat(card(completed).locator("select")).hasCount(0);
    card(completed).dragTo(column("scheduled"));
    page.waitForTimeout(300);
    assertThat(moves.get()).isZero();
    assertThat(column("scheduled").locator(".card[data-id='" + scheduled + "']")).isVisible();
    assertThat(column("completed").locator(".card[data-id='" + completed + "']")).isVisible();
    assertThat(card(scheduled).locator("select option")).hasText(new String[] {"choose", "In Progress", "No Show"});
  }

  @Test
  void theMoveToControlMovesWithoutDragging() {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 10).getString("id");
    open(date);

    card(id).locator("select").selectOption("no_show");
    assertThat(column("no_show").locator(".card[data-id='" + id + "'][data-version='2']")).isVisible();
    assertThat(api.card(id).getString("status")).isEqualTo("no_show");
    assertThat((Integer) page.evaluate("window.moveTimings.filter(t => t.outcome === 200).length")).isEqualTo(1);
  }

  @Test
  void streamEventsAreAppliedAndTheStreamIsReopenedWhenItEnds() {
    LocalDate date = Api.freshDate();
    JsonObject card = api.createCard(date, 10);
    AtomicInteger streams = new AtomicInteger();
    // This branch has no stream endpoint yet: the first connection is answered here with one event and then ends.
    page.route("**/api/admin/appointments/stream?date=" + date, route -> {
      if (streams.incrementAndGet() == 1) {
        JsonObject moved = card.copy().put("status", "ready").put("version", 3);
        route.fulfill(new Route.FulfillOptions().setStatus(200).setContentType("text/event-stream")
            .setBody(": heartbeat\n\nevent: appointment.moved\ndata: " + moved.encode() + "\n\n"));
      } else {
        route.fallback();
      }
    });
    openWithoutWaitingForTheStream(date); // this stream ends at once, so "live" is only brief

    assertThat(column("ready").locator(".card[data-id='" + card.getString("id") + "'][data-version='3']")).isVisible();
    page.waitForCondition(() -> streams.get() >= 2);
  }

  @Test
  void inJwtModeThePageExplains401And403AndUsesAPastedToken() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    Path privateKey = Files.createTempFile("board-page-key", ".pem");
    Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    try (TestService jwt = TestService.start(Map.of("AUTH_MODE", "jwt", "JWT_PUBLIC_KEY", pem("PUBLIC KEY", pair.getPublic().getEncoded()),
        "JWT_ISSUER", "https://issuer.test", "JWT_AUDIENCE", "move-api", "HOST", "127.0.0.1"))) {
      LocalDate date = Api.freshDate();
      String admin = mint(privateKey, "admin");
      String id = jwt.api().createCard(date, 10, "Authorization", "Bearer " + admin).getString("id");
      page.navigate(jwt.api().base() + "/?date=" + date);
      assertThat(page.locator("#auth-message")).containsText("401");

      page.locator(".token summary").click();
      page.locator("#token").fill(mint(privateKey, "mechanic"));
      page.locator("#token-form button").click();
      assertThat(page.locator("#auth-message")).containsText("403");

      page.locator("#token").fill(admin);
      page.locator("#token-form button").click();
      assertThat(page.locator("#auth-message")).isHidden();
      card(id).locator("select").selectOption("in_progress");
      assertThat(column("in_progress").locator(".card[data-id='" + id + "'][data-version='2']")).isVisible();
      assertThat((String) page.evaluate("sessionStorage.getItem('moveapi.token')")).isEqualTo(admin);
    }
  }

  private static String mint(Path privateKey, String role) throws Exception {
    return TokenMinter.mint(List.of("--private-key", privateKey.toString(), "--role", role, "--iss", "https://issuer.test", "--aud", "move-api"));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
