package com.edgarautoshop.moveapi.db;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The no-configuration default: a local PostgreSQL whose data directory survives restarts. */
public final class EmbeddedDatabase implements AutoCloseable {
  public static final int DEFAULT_PORT = 54329;

  private final EmbeddedPostgres postgres;
  private final DatabaseUrl url;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
    this.url = new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "", "disable");
  }

  /** Port 0 picks a free one (tests). */
  public static EmbeddedDatabase start(String dataDir, int port) throws IOException {
    if ("root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("The embedded PostgreSQL cannot run as root (PostgreSQL refuses to), so either run "
          + "the service as a normal user or set DATABASE_URL to a PostgreSQL server you run yourself.");
    }
    Path dir = Path.of(dataDir);
    Files.createDirectories(dir);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false);
    if (port > 0) {
      builder.setPort(port);
    }
    return new EmbeddedDatabase(builder.start());
  }

  public DatabaseUrl url() {
    return url;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
