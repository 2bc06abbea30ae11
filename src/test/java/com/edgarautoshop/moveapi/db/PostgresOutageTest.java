package com.edgarautoshop.moveapi.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TcpProxy;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PostgreSQL going away mid-test: clear 503s within the request timeout, then recovery without a restart. */
class PostgresOutageTest {

  @Test
  void answers503WhileDownAndRecoversByItself() throws Exception {
    DatabaseUrl real = TestPostgres.url();
    try (TcpProxy proxy = new TcpProxy(real.host(), real.port());
         TestService service = TestService.start(
             new DatabaseUrl("127.0.0.1", proxy.port(), real.database(), real.user(), real.password(), "disable"),
             Map.of("REQUEST_TIMEOUT", "2000", "DB_POOL_WAIT_MS", "1000"))) {
      Api api = service.api();
      String id = api.createCard(Api.freshDate(), 9).getString("id");
      assertThat(api.get("/readyz").status()).isEqualTo(200);

      proxy.cut();
      long started = System.nanoTime();
      Reply move = api.move(id, "in_progress", 1);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      // 503 when the move never reached the wire; 504 when its connection died under it (it might have committed).
      assertThat(move.status()).isIn(503, 504);
      assertThat(move.error().getString("code")).isEqualTo(move.status() == 503 ? "unavailable" : "outcome_unknown");
      assertThat(tookMs).as("bounded by REQUEST_TIMEOUT (2 s) plus slack").isLessThan(4000);
      assertThat(api.get("/readyz").status()).isEqualTo(503);
      assertThat(api.get("/healthz").status()).as("liveness needs no database").isEqualTo(200);
      assertThat(api.get("/api/admin/appointments/" + id).status()).isEqualTo(503);

      proxy.open();
      Reply recovered = await("the move once Postgres is back").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
          .until(() -> api.move(id, "in_progress", 1), reply -> reply.status() != 503);
      assertThat(recovered.status()).as("the move during the outage did not commit after all").isEqualTo(200);
      assertThat(api.get("/readyz").status()).isEqualTo(200);
      assertThat(api.historyCount(id)).isEqualTo(1);
    }
  }
}
