package com.edgarautoshop.moveapi.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TcpProxy;
import com.edgarautoshop.moveapi.testing.TestService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PostgreSQL going away mid-test: clear 503s within the request timeout, then recovery without a restart. */
class PostgresOutageTest {
  private TcpProxy proxy;
  private TestService service;
  private Api api;
  private String id;

  /** One pooled connection, so that the connection a test warms up is the one its move uses. */
  @BeforeEach
  void startBehindAProxy() {
    proxy = new TcpProxy();
    service = TestService.start(proxy.url(), Map.of("REQUEST_TIMEOUT", "2000", "DB_POOL_WAIT_MS", "1000", "DB_POOL_SIZE", "1"));
    api = service.api();
    id = api.createCard(Api.freshDate(), 9).getString("id");
  }

  @AfterEach
  void stop() throws Exception {
    service.close();
    proxy.close();
  }

  @Test
  void answers503WhileDownAndRecoversByItself() throws Exception {
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

  /** A crash resets the connection under a move in flight: 504 for a single statement, 503 for a keyed move's open transaction; never a 500. */
  @Test
  void aConnectionResetUnderAMoveIsAnsweredByTheContract() throws Exception {
    for (String[] key : List.of(new String[0], new String[] {"Idempotency-Key", "reset-" + id})) {
      await("a live pooled connection").atMost(Duration.ofSeconds(10)).until(() -> api.get("/readyz").status() == 200);
      proxy.freeze();
      CompletableFuture<Reply> move = CompletableFuture.supplyAsync(() -> api.move(id, "in_progress", 1, key));
      await("the move is on the wire").atMost(Duration.ofSeconds(5)).until(proxy::holding);
      proxy.reset();
      proxy.thaw();
      Reply reply = move.get(10, TimeUnit.SECONDS);
      assertThat(reply.status()).as(reply.raw().body()).isEqualTo(key.length == 0 ? 504 : 503);
      proxy.open();
    }
    assertThat(api.card(id).getInteger("version")).as("the held bytes never reached PostgreSQL").isEqualTo(1);
    assertThat(api.historyCount(id)).isZero();
  }
}
