package com.edgarautoshop.moveapi;

import com.edgarautoshop.moveapi.auth.TokenMinter;
import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.db.DemoData;
import com.edgarautoshop.moveapi.db.EmbeddedDatabase;
import com.edgarautoshop.moveapi.db.Migrations;
import com.edgarautoshop.moveapi.health.HealthCheck;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Start-up: config → database (configured or embedded) → migrations → demo data → service; drain on SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("mint-token")) {
      try {
        System.out.println(TokenMinter.mint(List.of(args).subList(1, args.length)));
      } catch (IllegalArgumentException ex) {
        System.err.println("mint-token: " + ex.getMessage());
        System.exit(2);
      }
      return;
    }
    boolean healthCheck = args.length > 0 && args[0].equals("healthcheck");
    AppConfig config;
    try {
      config = AppConfig.fromEnvironment();
    } catch (AppConfig.InvalidConfigException ex) {
      System.err.println("Configuration error: " + ex.getMessage());
      // a health check must answer 1 (unhealthy): Docker reserves 2
      System.exit(healthCheck ? 1 : 2);
      return;
    }
    if (healthCheck) {
      System.exit(HealthCheck.probe(HealthCheck.healthzUri(config)));
    }
    System.setProperty("LOG_FORMAT", config.logFormat().name());
    Logger log = LoggerFactory.getLogger(Main.class);

    EmbeddedDatabase embedded = null;
    DatabaseUrl db;
    if (config.database().isPresent()) {
      db = config.database().get();
    } else {
      try {
        embedded = EmbeddedDatabase.start(config.embeddedDataDir(), EmbeddedDatabase.DEFAULT_PORT);
      } catch (IllegalStateException ex) {
        System.err.println(ex.getMessage());
        System.exit(1);
        return;
      }
      db = embedded.url();
      log.info("No DATABASE_URL: using the embedded PostgreSQL in {} (port {})", config.embeddedDataDir(), db.port());
    }
    int applied = Migrations.apply(db);
    log.info("Migrations applied: {}", applied);
    if (config.seedDemoData()) {
      int seeded = DemoData.seedIfEmpty(db, config.shopTimeZone());
      if (seeded > 0) {
        log.info("Seeded {} demo cards for today and tomorrow", seeded);
      }
    }
    Application app = Application.start(config, db).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (config.authMode() == AppConfig.AuthMode.NONE) {
      log.warn("AUTH_MODE=none: no authentication, listening on {} only (loopback)", config.host());
    }
    log.info("Move API {} listening; board at http://{}:{}/", config.appVersion(),
        config.host().equals("0.0.0.0") ? "localhost" : config.host(), config.port());

    EmbeddedDatabase embeddedToStop = embedded;
    // The exit status tells an orchestrator whether the drain finished: 0 if it did, 1 if not,
    // instead of the JVM's 143 after every SIGTERM. halt() ends the JVM here; no other hook of ours
    // is left to run by then.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Shutting down: draining in-flight requests");
      int status = 0;
      try {
        app.stop();
        if (embeddedToStop != null) {
          embeddedToStop.close();
        }
        log.info("Shutdown complete");
      } catch (Exception ex) {
        log.warn("Shutdown did not finish cleanly: {}", ex.toString());
        status = 1;
      }
      Runtime.getRuntime().halt(status);
    }, "shutdown"));
  }
}
