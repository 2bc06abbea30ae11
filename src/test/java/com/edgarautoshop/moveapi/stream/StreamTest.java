package com.edgarautoshop.moveapi.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.EventStream.Event;
import com.edgarautoshop.moveapi.testing.HistoryInsertTrigger;
import com.edgarautoshop.moveapi.testing.TcpProxy;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The board stream over real HTTP, with events read from a real PostgreSQL's event log. Events
 * wait for the oldest running transaction of the whole cluster (the watermark), which on a shared
 * test server may be another suite's; so "arrives" allows seconds, "nothing arrives" is checked
 * after something that does.
 */
class StreamTest {
  private static final Duration ARRIVES = Duration.ofSeconds(15);
  private static final int CARDS = 4;
  private static final int MOVES_PER_CARD = 400;
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("STREAM_HEARTBEAT_MS", "100"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  @Test
  void createdAndMovedCardsOfTheDateArriveWithIdsAndOtherDatesGetNone() throws Exception {
    LocalDate date = Api.freshDate();
    LocalDate otherDate = Api.freshDate();
    try (EventStream stream = EventStream.open(api, date); EventStream other = EventStream.open(api, otherDate)) {
      assertThat(stream.response().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      String id = api.createCard(date, 9).getString("id");
      Event created = stream.next(ARRIVES);
      assertThat(created.type()).isEqualTo("appointment.created");
      assertThat(created.data().getString("id")).isEqualTo(id);
      assertThat(created.data().getString("status")).isEqualTo("scheduled");

      assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
      Event moved = stream.next(ARRIVES);
      assertThat(moved.type()).isEqualTo("appointment.moved");
      assertThat(moved.data().getString("id")).isEqualTo(id);
      assertThat(moved.data().getString("status")).isEqualTo("in_progress");
      assertThat(moved.data().getInteger("version")).isEqualTo(2);
      assertThat(moved.data().getString("customer_name")).isEqualTo("Test Customer");
      assertThat(created.id()).isNotBlank();
      assertThat(moved.id()).isNotBlank().isNotEqualTo(created.id());

      String otherId = api.createCard(otherDate, 9).getString("id");
      assertThat(other.next(ARRIVES).data().getString("id")).as("a board of another date hears only its own cards").isEqualTo(otherId);
    }
  }

  @Test
  void eventsCrossInstancesThroughPostgres() throws Exception {
    LocalDate date = Api.freshDate();
    try (TestService other = TestService.start(Map.of()); EventStream onB = EventStream.open(other.api(), date)) {
      String id = api.createCard(date, 10).getString("id");
      assertThat(onB.next(ARRIVES).type()).isEqualTo("appointment.created");
      assertThat(api.move(id, "no_show", 1).status()).isEqualTo(200);
      Event moved = onB.next(ARRIVES);
      assertThat(moved.type()).isEqualTo("appointment.moved");
      assertThat(moved.data().getString("status")).isEqualTo("no_show");
    }
  }

  @Test
  void rolledBackMovesAreNeverAnnouncedCommittedOnesAre() throws Exception {
    LocalDate date = Api.freshDate();
    try (EventStream stream = EventStream.open(api, date)) {
      String id = api.createCard(date, 11).getString("id");
      assertThat(stream.next(ARRIVES).type()).isEqualTo("appointment.created");
      try (HistoryInsertTrigger trigger = HistoryInsertTrigger.failing("23514", "always")) {
        assertThat(api.move(id, "in_progress", 1, "X-Correlation-Id", trigger.marker()).status()).isEqualTo(500);
      }
      assertThat(api.move(id, "in_progress", 7).status()).isEqualTo(409);
      assertThat(api.move(id, "completed", 1).status()).isEqualTo(422);

      // Events come in commit order: anything announced for the failed attempts would come first.
      assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
      Event moved = stream.next(ARRIVES);
      assertThat(moved.type()).as("the first event after the failures is the committed move").isEqualTo("appointment.moved");
      assertThat(moved.data().getInteger("version")).isEqualTo(2);
    }
  }

  /** Named the Micrometer way (stream.open, …); matched loosely, as the registry's prefix and tags are another change's. */
  @Test
  void metersCountOpenStreamsDeliveredEventsAndTheirLag() throws Exception {
    LocalDate date = Api.freshDate();
    try (EventStream stream = EventStream.open(api, date)) {
      api.createCard(date, 14);
      assertThat(stream.next(ARRIVES).type()).isEqualTo("appointment.created");
      String scrape = api.scrape().raw().body();
      assertThat(series(scrape, "stream_open")).isGreaterThanOrEqualTo(1);
      assertThat(series(scrape, "stream_events_delivered_total")).isGreaterThanOrEqualTo(1);
      assertThat(series(scrape, "stream_lag_seconds_count")).isGreaterThanOrEqualTo(1);
    }
  }

  private static double series(String scrape, String name) {
    return scrape.lines().filter(line -> !line.startsWith("#") && line.matches("(\\w+_)?" + name + "(\\{.*)? .*"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void heartbeatCommentsArrive() throws Exception {
    try (EventStream stream = EventStream.open(api, Api.freshDate())) {
      assertThat(stream.nextComment(ARRIVES)).startsWith("subscribed");
      assertThat(stream.nextComment(ARRIVES)).isEqualTo("ping");
      assertThat(stream.nextComment(ARRIVES)).isEqualTo("ping");
    }
  }

  @Test
  void gracefulShutdownEndsOpenStreamsInsteadOfWaitingForThem() throws Exception {
    TestService stopping = TestService.start(Map.of("REQUEST_TIMEOUT", "5000"));
    try (EventStream stream = EventStream.open(stopping.api(), Api.freshDate())) {
      long started = System.nanoTime();
      stopping.close();
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(stream.ends(ARRIVES)).isTrue();
      assertThat(tookMs).as("well under the 6 s an open request may hold a shutdown").isLessThan(3000);
      Event close = stream.next(Duration.ZERO);
      assertThat(close.type()).isEqualTo("close");
      assertThat(close.data().getString("reason")).isEqualTo("shutdown");
    }
  }

  @Test
  void badDateIs400LikeTheBoard() {
    Api.Reply reply = api.get("/api/admin/appointments/stream?date=2031-02-30");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.error().getString("code")).isEqualTo("validation_error");
  }

  @Test
  void listenerReconnectsAfterThePostgresConnectionIsCut() throws Exception {
    LocalDate date = Api.freshDate();
    try (TcpProxy proxy = new TcpProxy();
         TestService proxied = TestService.start(proxy.url(), Map.of());
         EventStream stream = EventStream.open(proxied.api(), date)) {
      proxy.cut();
      Awaitility.await("the proxied reader's backend is gone").atMost(ARRIVES).pollInterval(Duration.ofMillis(20))
          .until(() -> !TestPostgres.eventReaderConnected(proxied.port()));
      proxy.open();
      // The change goes through the directly connected service; only the proxied one's LISTEN was cut.
      Event event = null;
      for (int attempt = 0; attempt < 30 && event == null; attempt++) {
        api.createCard(date, 12);
        event = stream.next(Duration.ofMillis(500));
      }
      assertThat(event).as("an event arrives once the listener has reconnected").isNotNull();
      assertThat(event.type()).isEqualTo("appointment.created");
    }
  }

  /**
   * A client that sends its request and never reads: the server's socket and write queue fill up,
   * and the server must close the connection instead of buffering more. Reading afterwards drains
   * what was sent and then must hit the end of the stream; a server that kept it open would make
   * the read time out.
   */
  @Test
  void aClientThatNeverReadsIsDropped() throws Exception {
    LocalDate date = Api.freshDate();
    URI base = URI.create(api.base());
    String notes = "x".repeat(4000);
    JsonObject body = new JsonObject()
        .put("appt_start", date + "T13:00:00Z").put("appt_end", date + "T14:00:00Z").put("notes", notes)
        .put("customer", new JsonObject().put("name", "Slow Reader").put("phone", "555-0001"))
        .put("vehicle", new JsonObject().put("make", "Ford").put("model", "Focus").put("year", 2015));
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/admin/appointments/stream?date=" + date + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // About 7 MB of events, more than the kernel's socket buffers (at most 4 MB here) can hold.
      List<CompletableFuture<Void>> movers = new ArrayList<>();
      for (int card = 0; card < CARDS; card++) {
        String id = api.post("/api/admin/appointments", body.encode()).data().getString("id");
        movers.add(CompletableFuture.runAsync(() -> {
          for (int version = 1; version <= MOVES_PER_CARD; version++) {
            assertThat(api.move(id, version % 2 == 1 ? "in_progress" : "scheduled", version).status()).isEqualTo(200);
          }
        }));
      }
      CompletableFuture.allOf(movers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      socket.setSoTimeout(1000);
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[65536];
      long read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      int n = 0;
      while (n >= 0 && System.nanoTime() < deadline) {
        try {
          n = in.read(buffer);
          read += Math.max(n, 0);
        } catch (java.net.SocketTimeoutException quiet) {
          // nothing arrived within a second; keep waiting for the end until the deadline
        }
      }
      assertThat(n).as("the server closed the connection (end of stream) before the deadline").isNegative();
      assertThat(read).as("far from all events reached the client").isLessThan((long) CARDS * MOVES_PER_CARD * 4000);
    }
  }
}
