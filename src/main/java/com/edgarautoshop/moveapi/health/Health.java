package com.edgarautoshop.moveapi.health;

import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * /healthz (liveness, no database call) and /readyz (200 while Postgres answers and migrations are
 * in place; 503 once draining for shutdown).
 */
public final class Health {
  private static final String CHECK_SQL = "SELECT count(*) AS applied FROM flyway_schema_history WHERE success";

  private final Pool pool;
  private final JsonObject liveness;
  private final AtomicBoolean draining = new AtomicBoolean(false);

  public Health(Pool pool, String appVersion) {
    this.pool = pool;
    this.liveness = new JsonObject().put("status", "ok").put("service", "edgar-auto-shop").put("runtime", "vertx").put("version", appVersion);
  }

  public void startDraining() {
    draining.set(true);
  }

  public boolean draining() {
    return draining.get();
  }

  public void live(RoutingContext ctx) {
    Responses.ok(ctx, liveness);
  }

  public void ready(RoutingContext ctx) {
    if (draining.get()) {
      Responses.fail(ctx, ApiError.unavailable("The service is shutting down."));
      return;
    }
    pool.query(CHECK_SQL).execute()
        .onSuccess(rows -> Responses.ok(ctx, new JsonObject().put("status", "ready")
            .put("migrations", rows.iterator().next().getLong("applied"))))
        .onFailure(failure -> Responses.fail(ctx, ApiError.unavailable("The database is not reachable.")));
  }
}
