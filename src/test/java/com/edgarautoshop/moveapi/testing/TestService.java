package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.Application;
import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real service, started in-process on a free port against the test PostgreSQL. */
public final class TestService implements AutoCloseable {
  private final Application app;
  private final Api api;
  private final int port;

  private TestService(Application app, int port) {
    this.app = app;
    this.api = new Api("http://127.0.0.1:" + port, "http://127.0.0.1:" + app.metricsPort());
    this.port = port;
  }

  public static TestService start() {
    return start(Map.of());
  }

  public static TestService start(Map<String, String> extraEnv) {
    return start(TestPostgres.url(), extraEnv);
  }

  /** {@code extraEnv} may set PORT itself, e.g. when another setting must name the port. */
  public static TestService start(DatabaseUrl db, Map<String, String> extraEnv) {
    int port = freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL", "postgresql://" + db.user() + ":" + db.password() + "@" + db.host() + ":" + db.port() + "/" + db.database(),
        "AUTH_MODE", "none",
        "PORT", String.valueOf(port),
        "METRICS_PORT", "0",
        "DB_POOL_SIZE", "8",
        "SHUTDOWN_DRAIN_MS", "300",
        "APP_VERSION", "test"));
    env.putAll(extraEnv);
    AppConfig config = AppConfig.from(env);
    try {
      Application app = Application.start(config, db).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new TestService(app, config.port());
    } catch (Exception ex) {
      throw new IllegalStateException("service did not start", ex);
    }
  }

  public Api api() {
    return api;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    app.stop();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
