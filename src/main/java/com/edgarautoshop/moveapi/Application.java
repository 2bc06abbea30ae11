package com.edgarautoshop.moveapi;

import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.db.PostgresPool;
import com.edgarautoshop.moveapi.metrics.Metrics;
import com.edgarautoshop.moveapi.move.MoveRepository;
import com.edgarautoshop.moveapi.web.HttpVerticle;
import com.edgarautoshop.moveapi.web.Readiness;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running service: one Vert.x, one shared pool, the HTTP verticle on every core. */
public final class Application {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final long KEY_EXPIRY_PERIOD_MS = 60 * 60 * 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final Readiness readiness;
  private final Metrics metrics;

  private Application(Vertx vertx, Pool pool, Readiness readiness, Metrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.readiness = readiness;
    this.metrics = metrics;
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
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(metrics.registry()))
        .build();
    Pool pool = PostgresPool.create(vertx, config, db);
    Readiness readiness = new Readiness(pool);
    MoveRepository moves = new MoveRepository(pool);
    return Authenticator.create(vertx, config)
        .compose(auth -> vertx.deployVerticle(() -> new HttpVerticle(config, pool, auth, readiness, metrics),
            new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors())))
        .map(deployment -> {
          vertx.setPeriodic(KEY_EXPIRY_PERIOD_MS, id -> moves.expireIdempotencyKeys()
              .onFailure(err -> LOG.warn("expiring idempotency keys failed: {}", err.getMessage())));
          return new Application(vertx, pool, readiness, metrics);
        })
        .recover(failure -> closeMetrics(vertx, metrics).eventually(vertx::close).transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * Graceful stop: readiness turns 503 at once, the HTTP servers stop taking connections and let
   * in-flight requests finish (each is bounded by the request timeout), then the pool closes.
   */
  public Future<Void> stop() {
    readiness.startDraining();
    return vertx.deploymentIDs().stream()
        .map(vertx::undeploy)
        .reduce(Future.succeededFuture(), (a, b) -> a.compose(ignored -> b))
        .eventually(pool::close)
        .eventually(() -> closeMetrics(vertx, metrics))
        .eventually(vertx::close);
  }

  /** The last CloudWatch publish may wait for the endpoint, so it runs on a worker thread. */
  private static Future<Void> closeMetrics(Vertx vertx, Metrics metrics) {
    return vertx.executeBlocking(() -> {
      metrics.close();
      return null;
    });
  }
}
