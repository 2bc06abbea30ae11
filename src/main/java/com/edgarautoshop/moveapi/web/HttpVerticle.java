package com.edgarautoshop.moveapi.web;

import com.edgarautoshop.moveapi.appointment.AppointmentHandler;
import com.edgarautoshop.moveapi.appointment.AppointmentRepository;
import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.auth.OidcClient;
import com.edgarautoshop.moveapi.auth.SignIn;
import com.edgarautoshop.moveapi.board.BoardHandler;
import com.edgarautoshop.moveapi.board.BoardRepository;
import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.metrics.Metrics;
import com.edgarautoshop.moveapi.move.MoveHandler;
import com.edgarautoshop.moveapi.move.MoveRepository;
import com.edgarautoshop.moveapi.stream.StreamHandler;
import com.edgarautoshop.moveapi.stream.StreamSubscribers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The one place where routes, body limit, auth, timeout and error mapping are assembled. */
public final class HttpVerticle extends VerticleBase {
  private final AppConfig config;
  private final Pool pool;
  private final Authenticator authenticator;
  private final Optional<OidcClient> oidc;
  private final Readiness readiness;
  private final Metrics metrics;
  private final StreamSubscribers streamSubscribers;

  public HttpVerticle(AppConfig config, Pool pool, Authenticator authenticator, Optional<OidcClient> oidc, Readiness readiness,
      Metrics metrics, StreamSubscribers streamSubscribers) {
    this.config = config;
    this.pool = pool;
    this.authenticator = authenticator;
    this.oidc = oidc;
    this.readiness = readiness;
    this.metrics = metrics;
    this.streamSubscribers = streamSubscribers;
  }

  private HttpServer server;

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer();
    return server.requestHandler(router()).listen(config.port(), config.host());
  }

  /** Stops accepting connections and gives in-flight requests up to the request timeout to finish. */
  @Override
  public Future<?> stop() {
    return server.shutdown(config.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
  }

  Router router() {
    AppointmentHandler appointments = new AppointmentHandler(new AppointmentRepository(pool));
    BoardHandler board = new BoardHandler(vertx, new BoardRepository(pool), config.shopTimeZone(), config.technicianNames());
    MoveHandler move = new MoveHandler(vertx, new MoveRepository(pool), metrics.moves());
    StreamHandler stream = new StreamHandler(vertx, config.shopTimeZone(), config.streamHeartbeat(), streamSubscribers);
    TimeoutHandler timeout = TimeoutHandler.create(config.requestTimeout().toMillis(), 503);
    Router router = Router.router(vertx);
    BodyHandler jsonBody = BodyHandler.create(false).setBodyLimit(RequestBodies.MAX_BODY_BYTES);

    router.route().handler(ctx -> Correlation.handle(ctx, config.appVersion()));
    // A stream is open by design; its liveness is the heartbeat, so the request timeout skips it.
    router.route().handler(ctx -> {
      if (ctx.request().path().equals(StreamHandler.PATH)) {
        ctx.next();
      } else {
        timeout.handle(ctx);
      }
    });
    router.get("/healthz").handler(ctx -> Responses.ok(ctx, new JsonObject()
        .put("status", "ok").put("service", "edgar-auto-shop").put("runtime", "vertx").put("version", config.appVersion())));
    router.get("/readyz").handler(readiness::handle);
    router.get("/metrics").handler(metrics::scrape);

    // The page's sign-in (AUTH_MODE=oidc); /auth/session answers in every mode so the page knows which it is in.
    SignIn signIn = new SignIn(vertx, config, oidc);
    router.route("/auth/*").handler(signIn::loadSession);
    router.get("/auth/session").handler(signIn::describe);
    router.get("/auth/login").handler(signIn::login);
    router.get("/auth/callback").handler(signIn::callback);
    router.post("/auth/logout").handler(signIn::logout);

    router.route("/api/admin/*").handler(signIn::loadSession).handler(authenticator::handle);
    router.get("/api/admin/workflow").handler(board::workflow);
    router.get("/api/admin/technicians").handler(board::technicians);
    router.get("/api/admin/appointments/board").handler(board::board);
    router.get("/api/admin/dashboard/stats").handler(board::stats);
    jsonPost(router, "/api/admin/appointments", jsonBody, appointments::create);
    router.get(StreamHandler.PATH).handler(stream::handle);
    router.get("/api/admin/appointments/:id").handler(appointments::get);
    router.get("/api/admin/appointments/:id/history").handler(appointments::history);
    jsonPost(router, "/api/admin/appointments/:id/move", jsonBody, move::handle);

    // The status board page: files packaged in the jar, no auth (the page calls /api/admin with its session or token).
    router.get("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));

    router.route().last().handler(ctx -> notFoundOrMethodNotAllowed(ctx, router));
    router.route().failureHandler(HttpVerticle::failure);
    return router;
  }

  /** The content type is checked on its own route first, so that 415 takes precedence over 413 (vertx-web wants body handlers first on a route). */
  private static void jsonPost(Router router, String path, BodyHandler body, Handler<RoutingContext> handler) {
    router.post(path).handler(RequestBodies::requireJsonContentType);
    router.post(path).handler(body).handler(handler);
  }

  private static void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null) {
      Responses.fail(ctx, failure);
      return;
    }
    Responses.fail(ctx, switch (ctx.statusCode()) {
      case 413 -> new ApiError(413, "payload_too_large", "The body is larger than 16 KiB.");
      case 503 -> ApiError.unavailable("The request did not finish in time; retry shortly.");
      case 404 -> ApiError.notFound("No such resource.");
      default -> new ApiError(ctx.statusCode() >= 400 ? ctx.statusCode() : 500, "internal_error", "The request failed.");
    });
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
