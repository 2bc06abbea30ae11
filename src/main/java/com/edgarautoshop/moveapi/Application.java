package com.edgarautoshop.moveapi;

import com.edgarautoshop.moveapi.appointment.AppointmentHandler;
import com.edgarautoshop.moveapi.appointment.AppointmentRepository;
import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.auth.OidcClient;
import com.edgarautoshop.moveapi.board.BoardHandler;
import com.edgarautoshop.moveapi.board.BoardRepository;
import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.db.PostgresPool;
import com.edgarautoshop.moveapi.health.Health;
import com.edgarautoshop.moveapi.metrics.Metrics;
import com.edgarautoshop.moveapi.move.MoveHandler;
import com.edgarautoshop.moveapi.move.MoveRepository;
import com.edgarautoshop.moveapi.move.ReorderRepository;
import com.edgarautoshop.moveapi.stream.EventLog;
import com.edgarautoshop.moveapi.stream.EventReader;
import com.edgarautoshop.moveapi.stream.StreamHandler;
import com.edgarautoshop.moveapi.stream.StreamHub;
import com.edgarautoshop.moveapi.stream.StreamMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running service: one Vert.x, one shared pool, one event-log reader, handlers built once, the HTTP verticle on every core. */
public final class Application {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final long KEY_EXPIRY_PERIOD_MS = 60 * 60 * 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final Health health;
  private final Metrics metrics;
  private final HttpServer metricsServer;
  private final EventReader events;
  private final AppConfig config;

  private Application(AppConfig config, Vertx vertx, Pool pool, Health health, Metrics metrics, HttpServer metricsServer,
      EventReader events) {
    this.config = config;
    this.vertx = vertx;
    this.pool = pool;
    this.health = health;
    this.metrics = metrics;
    this.metricsServer = metricsServer;
    this.events = events;
  }

  /** Starts on an already migrated database. */
  public static Future<Application> start(AppConfig config, DatabaseUrl db) {
    Metrics metrics = Metrics.create(config.metrics());
    // Vert.x's own HTTP server and pool meters go into the same registry as the move's.
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions()
            .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
            .setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
            .setWarningExceptionTime(1).setWarningExceptionTimeUnit(TimeUnit.SECONDS)
            .setMetricsOptions(Metrics.vertxOptions()))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
    Pool pool = PostgresPool.create(vertx, config, db);
    Health health = new Health(pool, config.appVersion());
    AppointmentRepository appointments = new AppointmentRepository(pool);
    MoveRepository moves = new MoveRepository(pool);
    StreamHub hub = new StreamHub(config.streams());
    StreamMetrics streamMetrics = new StreamMetrics(metrics.registry(), hub);
    EventLog eventLog = new EventLog(config.shopTimeZone());
    Future<EventReader> events = EventReader.start(vertx, PostgresPool.eventReaderOptions(config, db), eventLog, hub, streamMetrics,
        config.streams());
    return events
        .compose(started -> Authenticator.create(vertx, config))
        .compose(auth -> discoverSignIn(vertx, config).compose(oidc -> {
          Runnable changed = events.result()::changed;
          HttpVerticle.Handlers handlers = new HttpVerticle.Handlers(auth, oidc, health,
              new AppointmentHandler(appointments, changed),
              new BoardHandler(vertx, new BoardRepository(pool), config.shopTimeZone(), config.technicianNames(), config.boardMaxCards()),
              new MoveHandler(vertx, moves, new ReorderRepository(pool, config.shopTimeZone()), metrics.moves(), changed),
              new StreamHandler(vertx, config.shopTimeZone(), config.streamHeartbeat(), config.jwt().leewaySeconds(), config.streams(),
                  hub, eventLog, pool, streamMetrics));
          return vertx.deployVerticle(() -> new HttpVerticle(config, handlers),
              new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()));
        }))
        .compose(deployment -> HttpVerticle.startMetricsServer(vertx, config, metrics))
        .map(metricsServer -> {
          vertx.setPeriodic(KEY_EXPIRY_PERIOD_MS, id -> moves.expireIdempotencyKeys()
              .onFailure(err -> LOG.warn("expiring idempotency keys failed: {}", err.getMessage())));
          return new Application(config, vertx, pool, health, metrics, metricsServer, events.result());
        })
        .recover(failure -> closeMetrics(vertx, metrics).eventually(vertx::close).transform(ignored -> Future.failedFuture(failure)));
  }

  /** The identity provider of the page's sign-in, when AUTH_MODE=oidc. */
  private static Future<Optional<OidcClient>> discoverSignIn(Vertx vertx, AppConfig config) {
    return config.oidc()
        .map(settings -> OidcClient.discover(vertx, settings, config.jwt().leewaySeconds()).map(Optional::of))
        .orElse(Future.succeededFuture(Optional.empty()));
  }

  /**
   * Graceful stop, called from the shutdown hook's thread (it blocks): readiness turns 503 at once
   * and stays so for SHUTDOWN_DRAIN_MS so a load balancer sees it, then the HTTP servers stop taking
   * connections and let in-flight requests finish (each bounded by the request timeout), then the
   * pool, the metrics (after a last CloudWatch publish) and Vert.x close.
   */
  public void stop() throws Exception {
    health.startDraining();
    Thread.sleep(config.shutdownDrain().toMillis());
    long boundMs = config.requestTimeout().toMillis() + 5000;
    vertx.deploymentIDs().stream()
        .map(vertx::undeploy)
        .reduce(Future.succeededFuture(), (a, b) -> a.compose(ignored -> b))
        .eventually(events::close)
        .eventually(pool::close)
        .eventually(metricsServer::close)
        .toCompletionStage().toCompletableFuture().get(boundMs, TimeUnit.MILLISECONDS);
    // This thread may block: the last CloudWatch publish waits up to its timeout (10 s at most).
    metrics.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(boundMs, TimeUnit.MILLISECONDS);
  }

  /** The port GET /metrics listens on (METRICS_PORT, or the one picked for 0). */
  public int metricsPort() {
    return metricsServer.actualPort();
  }

  /** On a failed start we are on an event loop, and the last CloudWatch publish may wait: a worker closes it. */
  private static Future<Void> closeMetrics(Vertx vertx, Metrics metrics) {
    return vertx.executeBlocking(() -> {
      metrics.close();
      return null;
    });
  }
}
