package com.edgarautoshop.moveapi.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicBoolean;

/** /readyz: 200 while Postgres answers and migrations are in place; 503 once draining for shutdown. */
public final class Readiness {
  private static final String CHECK_SQL = "SELECT count(*) AS applied FROM flyway_schema_history WHERE success";

  private final Pool pool;
  private final AtomicBoolean draining = new AtomicBoolean(false);

  public Readiness(Pool pool) {
    this.pool = pool;
  }

  public void startDraining() {
    draining.set(true);
  }

  public void handle(RoutingContext ctx) {
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
