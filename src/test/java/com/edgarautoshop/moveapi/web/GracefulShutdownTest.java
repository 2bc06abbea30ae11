package com.edgarautoshop.moveapi.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGTERM's path: readiness turns 503 at once, an in-flight move finishes whole, then the pool closes. */
class GracefulShutdownTest {

  @Test
  void inFlightMoveCompletesWhileTheServiceDrains() throws Exception {
    TestService service = TestService.start();
    Api api = service.api();
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    CompletableFuture<Reply> move;
    CompletableFuture<Void> stopped;
    try (Connection blocker = TestPostgres.jdbc(); Statement sql = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      sql.execute("SELECT id FROM appointments WHERE id = " + id + " FOR UPDATE");
      move = CompletableFuture.supplyAsync(() -> api.move(id, "in_progress", 1));
      TestPostgres.awaitServiceWaitingOnLock();
      Reply readyBefore = api.get("/readyz");
      assertThat(readyBefore.status()).isEqualTo(200);
      stopped = CompletableFuture.runAsync(() -> {
        try {
          service.close();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      });
      await("readiness turns 503 at once").atMost(Duration.ofSeconds(2)).until(() -> api.get("/readyz").status() == 503);
      await("stop waits for the in-flight move").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(() -> !stopped.isDone());
      blocker.rollback();
    }
    Reply reply = move.get(10, TimeUnit.SECONDS);
    assertThat(reply.status()).isEqualTo(200);
    stopped.get(10, TimeUnit.SECONDS);
    try (TestService again = TestService.start()) {
      assertThat(again.api().card(id).getInteger("version")).isEqualTo(2);
      assertThat(again.api().historyCount(id)).isEqualTo(1);
    }
  }

  @Test
  void whileDrainingNoConnectionIsKeptForAnotherRequest() throws Exception {
    TestService service = TestService.start(Map.of("SHUTDOWN_DRAIN_MS", "3000"));
    Api api = service.api();
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
      try {
        service.close();
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    });
    await("readiness turns 503 at once").atMost(Duration.ofSeconds(2)).until(() -> api.get("/readyz").status() == 503);
    assertThat(closedAfterOneResponse(api)).contains("200 OK");
    stopped.get(20, TimeUnit.SECONDS);
  }

  /** Sends a keep-alive GET /healthz on a socket of its own and returns everything the server sent before it closed the connection. */
  private static String closedAfterOneResponse(Api api) throws Exception {
    URI base = URI.create(api.base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // readAllBytes returns only at end of stream; a kept-alive connection would time out instead.
      String sent = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(sent.toLowerCase()).contains("connection: close");
      return sent;
    }
  }
}
