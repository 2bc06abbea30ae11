package com.edgarautoshop.moveapi;

import com.edgarautoshop.moveapi.appointment.AppointmentHandler;
import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.auth.OidcClient;
import com.edgarautoshop.moveapi.auth.SignIn;
import com.edgarautoshop.moveapi.board.BoardHandler;
import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.db.Deadline;
import com.edgarautoshop.moveapi.health.Health;
import com.edgarautoshop.moveapi.metrics.Metrics;
import com.edgarautoshop.moveapi.move.MoveHandler;
import com.edgarautoshop.moveapi.stream.StreamHandler;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Correlation;
import com.edgarautoshop.moveapi.web.HeaderTimeout;
import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where routes, body limit, auth, timeout and error mapping are assembled; one instance per event loop. */
final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final long DB_MARGIN_MS = 500;
  private static final Pattern PAGE_FILE = Pattern.compile("[A-Za-z0-9_-]+\\.[a-z]+");

  /** The handlers, built once and shared by every instance (they hold no per-loop state). */
  record Handlers(Authenticator auth, Optional<OidcClient> oidc, Health health, AppointmentHandler appointments, BoardHandler board,
      MoveHandler move, StreamHandler stream) {}

  private final AppConfig config;
  private final Handlers handlers;
  private HttpServer server;

  HttpVerticle(AppConfig config, Handlers handlers) {
    this.config = config;
    this.handlers = handlers;
  }

  @Override
  public Future<?> start() {
    HeaderTimeout headerTimeout = new HeaderTimeout(vertx, config.headerReadTimeout().toMillis());
    Router router = router(headerTimeout);
    // No h2c (the ALB speaks HTTP/1.1 to targets): its sniffing of the first bytes would hide a silent connection from the header bound.
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) config.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    return server
        .connectionHandler(headerTimeout::connected)
        .invalidRequestHandler(Responses::invalidRequest)
        .requestHandler(request -> {
          headerTimeout.headersArrived(request.connection());
          router.handle(request);
        })
        .listen(config.port(), config.host());
  }

  /**
   * GET /metrics on its own listener (METRICS_PORT), so that the public port and its load balancer
   * never serve it. One server for the process: scrapes are rare.
   */
  static Future<HttpServer> startMetricsServer(Vertx vertx, AppConfig config, Metrics metrics) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(metrics::scrape);
    router.route().last().handler(ctx -> Responses.fail(ctx, ApiError.notFound("Only /metrics is served on this port.")));
    return vertx.createHttpServer().requestHandler(router).listen(config.metrics().port(), config.host());
  }

  /** Stops accepting connections and gives in-flight requests up to the request timeout to finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
  }

  /*
   * Route names are what the HTTP server meters' route label shows (the last named route a request
   * passed): the template, never the raw path; "/api/admin/*" for requests refused by auth.
   */
  private Router router(HeaderTimeout headerTimeout) {
    Handlers h = handlers;
    long timeoutMs = config.requestTimeout().toMillis();
    TimeoutHandler timeout = TimeoutHandler.create(timeoutMs, 503);
    // Database work must be answered a margin before the HTTP timeout, so that a cancelled
    // statement's rollback still reaches the client as a definite answer.
    long databaseBudgetNanos = (timeoutMs - Math.min(DB_MARGIN_MS, timeoutMs / 5)) * 1_000_000;
    BodyHandler jsonBody = BodyHandler.create(false).setBodyLimit(Requests.MAX_BODY_BYTES);
    Router router = Router.router(vertx);

    router.route().handler(ctx -> {
      HttpConnection connection = ctx.request().connection();
      // While draining for shutdown, no connection is kept for a next request: a client's next request
      // opens a new one, refused cleanly once the listener closes, instead of racing the close of an idle one.
      if (h.health().draining()) {
        ctx.response().putHeader("Connection", "close");
      }
      // A response that ended (rather than a connection that closed) makes the next request's headers due.
      ctx.addEndHandler(ended -> {
        if (ended.succeeded()) {
          headerTimeout.awaitHeaders(connection);
        }
      });
      Correlation.handle(ctx, config.appVersion());
    });
    // A stream is open by design; its liveness is the heartbeat, so the request timeout skips it.
    router.route().handler(ctx -> {
      if (ctx.request().path().equals(StreamHandler.PATH)) {
        ctx.next();
      } else {
        Requests.setDeadline(ctx, new Deadline(vertx, System.nanoTime() + databaseBudgetNanos));
        timeout.handle(ctx);
      }
    });
    router.get("/healthz").handler(h.health()::live);
    router.get("/readyz").handler(h.health()::ready);

    // The page's sign-in (AUTH_MODE=oidc); /auth/session answers in every mode so the page knows which it is in.
    // One per verticle: its cookie session store binds to the event loop that creates it.
    SignIn signIn = new SignIn(vertx, config, h.oidc());
    router.route("/auth/*").setName("/auth/*").handler(signIn::loadSession);
    router.get("/auth/session").handler(signIn::describe);
    router.get("/auth/login").handler(signIn::login);
    router.get("/auth/callback").handler(signIn::callback);
    router.post("/auth/logout").handler(signIn::logout);

    router.route("/api/admin/*").setName("/api/admin/*").handler(signIn::loadSession).handler(h.auth()::handle);
    router.get("/api/admin/workflow").handler(h.board()::workflow);
    router.get("/api/admin/technicians").handler(h.board()::technicians);
    router.get("/api/admin/appointments/board").handler(h.board()::board);
    router.get("/api/admin/dashboard/stats").handler(h.board()::stats);
    jsonPost(router, "/api/admin/appointments", jsonBody, h.appointments()::create);
    router.get(StreamHandler.PATH).handler(h.stream()::handle);
    router.get("/api/admin/appointments/:id").handler(h.appointments()::get);
    router.delete("/api/admin/appointments/:id").handler(h.auth().requireRole("admin")).handler(h.appointments()::delete);
    router.get("/api/admin/appointments/:id/history").handler(h.appointments()::history);
    jsonPost(router, "/api/admin/appointments/:id/move", jsonBody, h.move()::handle);
    jsonPost(router, "/api/admin/appointments/:id/reorder", jsonBody, h.move()::reorder);

    // The status board page: files packaged in the jar, no auth (the page calls /api/admin with its session or token).
    StaticHandler files = StaticHandler.create("webroot").setIndexPage("index.html");
    // The page is three flat files. Other paths never reach the StaticHandler: vertx-web 5.0.10's throws
    // (500) on one whose dot segments remove to nothing, such as GET /..%2F.. or GET /%2E.
    router.get("/*").setName("static").handler(ctx -> {
      String file = ctx.pathParam("*");
      if (file == null || file.isEmpty() || PAGE_FILE.matcher(file).matches()) {
        files.handle(ctx);
      } else {
        ctx.next();
      }
    });

    router.route().last().setName(Metrics.UNMATCHED_ROUTE).handler(ctx -> notFoundOrMethodNotAllowed(ctx, router));
    router.route().failureHandler(HttpVerticle::failure);
    // Failures the router meets outside any route, e.g. a path whose %-escapes do not decode, get the envelope too.
    router.errorHandler(400, ctx -> Responses.fail(ctx, new ApiError(400, "invalid_request", "The request path is not valid.")));
    router.errorHandler(500, ctx -> Responses.fail(ctx, ctx.failure() == null ? new ApiError(500, "internal_error", "The request failed.") : ctx.failure()));
    return router;
  }

  /** The content type is checked on its own route first, so that 415 takes precedence over 413 (vertx-web wants body handlers first on a route). */
  private static void jsonPost(Router router, String path, BodyHandler body, Handler<RoutingContext> handler) {
    router.post(path).handler(Requests::requireJsonContentType);
    router.post(path).handler(body).handler(handler);
  }

  private static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null) {
      Responses.fail(ctx, failure);
      return;
    }
    if (ctx.statusCode() == 503) {
      LOG.warn("request timed out: {} {}", ctx.request().method(), ctx.request().path());
    }
    Responses.fail(ctx, switch (ctx.statusCode()) {
      case 413 -> new ApiError(413, "payload_too_large", "The body is larger than 16 KiB.");
      case 503 -> timedOut(ctx);
      case 404 -> ApiError.notFound("No such resource.");
      default -> new ApiError(ctx.statusCode() >= 400 ? ctx.statusCode() : 500, "internal_error", "The request failed.");
    });
  }

  /** Only the TimeoutHandler fails with a bare 503; a write whose database work was sent may have happened. */
  private static ApiError timedOut(RoutingContext ctx) {
    Deadline deadline = Requests.deadline(ctx);
    if (!ctx.request().isEnded()) {
      return new ApiError(408, "request_timeout", "The request body did not arrive in time.");
    }
    return deadline != null && deadline.workSent()
        ? ApiError.outcomeUnknown()
        : ApiError.unavailable("The request did not finish in time; retry shortly.");
  }

  /** A path served under other methods answers 405 with Allow; anything else 404. */
  private static void notFoundOrMethodNotAllowed(RoutingContext ctx, Router router) {
    String path = ctx.request().path();
    Set<String> allowed = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() != null && route.getPath() != null && !route.getPath().endsWith("*") && matches(route.getPath(), path)) {
        allowed.addAll(route.methods().stream().map(HttpMethod::name).collect(Collectors.toSet()));
      }
    }
    if (allowed.isEmpty()) {
      Responses.fail(ctx, ApiError.notFound("No route for " + path + "."));
      return;
    }
    ctx.response().putHeader("Allow", String.join(", ", allowed));
    Responses.fail(ctx, new ApiError(405, "method_not_allowed", ctx.request().method().name() + " is not allowed on " + path + "."));
  }

  private static boolean matches(String template, String path) {
    return path.matches(template.replaceAll(":[a-z]+", "[^/]+"));
  }
}
