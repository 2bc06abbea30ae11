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
    // Looked up as a resource, not loaded: the image's jar (mvn -Pimage) leaves zonky out.
    if (EmbeddedDatabase.class.getClassLoader().getResource("io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class") == null) {
      throw new IllegalStateException("This build of the service has no embedded PostgreSQL (the container image's jar leaves "
          + "it out), so set DATABASE_URL (postgresql://user:password@host:5432/database) or PGHOST.");
    }
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
