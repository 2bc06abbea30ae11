package com.edgarautoshop.moveapi.db;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The one reactive pool shared by every HTTP verticle instance. */
public final class PostgresPool {
  private PostgresPool() {}

  public static Pool create(Vertx vertx, AppConfig config, DatabaseUrl db) {
    long timeoutMs = config.requestTimeout().toMillis();
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.dbPoolSize())
        .setShared(true)
        .setName("move-api-pool")
        .setMaxWaitQueueSize(config.dbPoolSize() * 32)
        .setConnectionTimeout((int) config.poolWaitTimeout().toMillis())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    NetClientOptions net = new NetClientOptions().setConnectTimeout((int) Math.min(timeoutMs, 5000));
    return PgBuilder.pool().with(pool).with(net).connectingTo(connectOptions(config, db)).using(vertx).build();
  }

  /**
   * The board streams' own connection (stream/EventReader): named after the HTTP port, so one
   * instance's reader can be found in pg_stat_activity; its doorbell NOTIFYs commit without
   * waiting for the WAL flush, as they carry nothing that must survive a crash.
   */
  public static PgConnectOptions eventReaderOptions(AppConfig config, DatabaseUrl db) {
    PgConnectOptions connect = connectOptions(config, db);
    Map<String, String> properties = new HashMap<>(connect.getProperties());
    properties.put("application_name", "move-api-events:" + config.port());
    properties.put("synchronous_commit", "off");
    return connect.setProperties(properties);
  }

  /** How every connection of the service reaches Postgres: the pool's and the event reader's. */
  public static PgConnectOptions connectOptions(AppConfig config, DatabaseUrl db) {
    long timeoutMs = config.requestTimeout().toMillis();
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password())
        .setSslMode(SslMode.of(db.sslMode()))
        // Off: unnamed statements, parsed again with every execution, so that a transaction-pooling
        // proxy (RDS Proxy, PgBouncer) finds no named statement bound to the session (docs/scaling.md).
        .setCachePreparedStatements(config.dbPreparedStatementCache())
        .setUseLayer7Proxy(!config.dbPreparedStatementCache())
        .setPipeliningLimit(256)
        // Server-side bounds so a stuck lock or query can never outlive the request.
        .setProperties(Map.of(
            "application_name", "move-api",
            "statement_timeout", String.valueOf(Math.max(100, timeoutMs - 250)),
            "lock_timeout", String.valueOf(Math.max(100, timeoutMs - 500)),
            "idle_in_transaction_session_timeout", String.valueOf(timeoutMs * 2)));
    if (!db.sslMode().equals("disable") && !db.sslMode().startsWith("verify")) {
      // libpq semantics: prefer/require encrypt without verifying the server certificate.
      connect.setSslOptions(new ClientSSLOptions().setTrustAll(true));
    }
    return connect;
  }
}
