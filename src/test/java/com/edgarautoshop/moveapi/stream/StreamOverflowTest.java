package com.edgarautoshop.moveapi.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.config.AppConfig.StreamSettings;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.EventStream.Event;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stream whose event loop falls behind the reader gets a resync instead of an ever longer
 * queue: a real Vert.x HTTP server and a real SSE client, with the stream's event loop held
 * busy while more than {@link StreamConnection#MAX_PENDING} events arrive.
 */
class StreamOverflowTest {
  private static final String DATE = "2031-01-01";

  @Test
  void aStreamFallingBehindGetsOneResyncAndThenLiveEventsAgain() throws Exception {
    Vertx vertx = Vertx.vertx();
    StreamSettings settings = new StreamSettings(Duration.ofMinutes(30), 10, 10, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ZERO);
    StreamMetrics metrics = new StreamMetrics(new SimpleMeterRegistry(), new StreamHub(settings));
    CompletableFuture<StreamConnection> opened = new CompletableFuture<>();
    CompletableFuture<Context> loop = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer().requestHandler(request -> {
      request.response().setChunked(true).putHeader("Content-Type", "text/event-stream").write(": subscribed\n\n");
      StreamConnection stream = new StreamConnection(request.response(), vertx.getOrCreateContext(), DATE, "tester", metrics);
      stream.startAt(new Cursor(1, 0));
      stream.open(List.of(), null);
      loop.complete(vertx.getOrCreateContext());
      opened.complete(stream);
    });
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (EventStream client = EventStream.open(new Api("http://127.0.0.1:" + server.actualPort(), null), LocalDate.parse(DATE))) {
      StreamConnection stream = opened.get(10, TimeUnit.SECONDS);
      CountDownLatch release = new CountDownLatch(1);
      loop.get().runOnContext(v -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      });
      long id = 1;
      for (int batch = 0; batch < 11; batch++) {
        List<StreamEvent> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          id++;
          events.add(StreamEvent.logged(new Cursor(2, id), DATE, "appointment.moved", "{\"n\":" + id + "}"));
        }
        stream.offer(events, new Cursor(2, id));
      }
      release.countDown();

      Event resync = client.next(Duration.ofSeconds(10));
      assertThat(resync.type()).isEqualTo("resync");
      assertThat(resync.data().getString("reason")).isEqualTo("stream_overflow");
      assertThat(resync.id()).isEqualTo("2-" + id);

      stream.offer(List.of(StreamEvent.logged(new Cursor(3, 1), DATE, "appointment.moved", "{\"n\":0}")), new Cursor(3, 1));
      Event live = client.next(Duration.ofSeconds(10));
      assertThat(live.id()).isEqualTo("3-1");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
