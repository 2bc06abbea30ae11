package com.edgarautoshop.moveapi.db;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import org.flywaydb.core.Flyway;

/** Applies sql/ (packaged as classpath:db/migration) with Flyway; JDBC is used here, at start-up only. */
public final class Migrations {
  private Migrations() {}

  public static int apply(DatabaseUrl db) {
    return Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .load()
        .migrate()
        .migrationsExecuted;
  }
}
