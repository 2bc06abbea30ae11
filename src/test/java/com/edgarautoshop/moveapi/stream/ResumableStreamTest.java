package com.edgarautoshop.moveapi.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.EventStream.Event;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events that are never lost: a reconnect with Last-Event-ID gets what it missed, once and in
 * order; a killed reader connection loses nothing; moves of one card arrive in version order;
 * what cannot be replayed is a resync. Real HTTP, a real PostgreSQL. A new stream may also get
 * events from shortly before it opened (see EventReader), so each test opens its stream first and
 * takes the events of its own setup off it.
 */
class ResumableStreamTest {
  private static final Duration ARRIVES = Duration.ofSeconds(15);
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("STREAM_HEARTBEAT_MS", "200"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  /** Creates a card on the open stream's date and takes its creation off the stream. */
  private static String created(EventStream stream, LocalDate date, int hour) throws Exception {
    String id = api.createCard(date, hour).getString("id");
    Event created = stream.next(ARRIVES);
    assertThat(created.type()).isEqualTo("appointment.created");
    assertThat(created.data().getString("id")).isEqualTo(id);
    return id;
  }

  @Test
  void aReconnectWithLastEventIdGetsEveryEventItMissedOnceAndInOrder() throws Exception {
    LocalDate date = Api.freshDate();
    String first;
    String gone;
    String lastSeen;
    try (EventStream stream = EventStream.open(api, date)) {
      first = created(stream, date, 8);
      gone = created(stream, date, 9);
      assertThat(api.move(first, "in_progress", 1).status()).isEqualTo(200);
      Event moved = stream.next(ARRIVES);
      assertThat(moved.data().getInteger("version")).isEqualTo(2);
      lastSeen = moved.id();
    }
    // Missed while disconnected: two moves of one card, a new card, a deletion, and a move of another date.
    assertThat(api.move(first, "ready", 2).status()).isEqualTo(200);
    assertThat(api.move(first, "completed", 3).status()).isEqualTo(200);
    String created = api.createCard(date, 10).getString("id");
    assertThat(api.send(api.request("/api/admin/appointments/" + gone).DELETE().build()).status()).isEqualTo(200);
    String elsewhere = api.createCard(Api.freshDate(), 9).getString("id");
    assertThat(api.move(elsewhere, "in_progress", 1).status()).isEqualTo(200);

    try (EventStream resumed = EventStream.open(api, date, "Last-Event-ID", lastSeen)) {
      List<Event> missed = resumed.next(4, ARRIVES);
      assertThat(missed).extracting(Event::type)
          .containsExactly("appointment.moved", "appointment.moved", "appointment.created", "appointment.deleted");
      assertThat(missed.get(0).data().getInteger("version")).isEqualTo(3);
      assertThat(missed.get(0).data().getString("status")).as("the card after that move, not as it is now").isEqualTo("ready");
      assertThat(missed.get(1).data().getInteger("version")).isEqualTo(4);
      assertThat(missed.get(1).data().getString("check_out_at")).isNotNull();
      assertThat(missed.get(2).data().getString("id")).isEqualTo(created);
      assertThat(missed.get(3).data()).isEqualTo(new JsonObject().put("id", gone));

      // Live events follow the replay, and nothing replayed comes again.
      assertThat(api.move(created, "in_progress", 1).status()).isEqualTo(200);
      Event live = resumed.next(ARRIVES);
      assertThat(live.type()).isEqualTo("appointment.moved");
      assertThat(live.data().getString("id")).isEqualTo(created);
      assertThat(missed).extracting(Event::id).doesNotContain(live.id());
    }
  }

  @Test
  void aDeletedCardIsAnnouncedWithItsIdOnly() throws Exception {
    LocalDate date = Api.freshDate();
    String id;
    try (EventStream stream = EventStream.open(api, date)) {
      id = created(stream, date, 11);
      assertThat(api.send(api.request("/api/admin/appointments/" + id).DELETE().build()).status()).isEqualTo(200);
      Event deleted = stream.next(ARRIVES);
      assertThat(deleted.type()).isEqualTo("appointment.deleted");
      assertThat(deleted.data()).isEqualTo(new JsonObject().put("id", id));
      assertThat(deleted.id()).isNotBlank();
    }
    assertThat(api.get("/api/admin/appointments/" + id + "/history").status()).isEqualTo(404);
  }

  /**
   * The reader's connection is killed, then a card moves at once, five times over: each time the
   * stream gets the move or a resync, never silence (the reader keeps its place in memory and
   * reads on after reconnecting, so in practice the move itself arrives).
   */
  @Test
  void killingTheReaderConnectionThenMovingAtOnceNeverLeavesTheStreamSilent() throws Exception {
    LocalDate date = Api.freshDate();
    try (EventStream stream = EventStream.open(api, date)) {
      String id = created(stream, date, 12);
      for (int version = 1; version <= 5; version++) {
        TestPostgres.terminateEventReader(service.port());
        assertThat(api.move(id, version % 2 == 1 ? "in_progress" : "scheduled", version).status()).isEqualTo(200);
        Event next = stream.next(ARRIVES);
        assertThat(next).as("after kill %d", version).isNotNull();
        if (!next.type().equals("resync")) {
          assertThat(next.type()).isEqualTo("appointment.moved");
          assertThat(next.data().getInteger("version")).isEqualTo(version + 1);
        }
      }
    }
  }

  /**
   * Several clients race on one card, each moving it on from the version it last saw: every
   * winner waited for the previous winner's row lock. The stream must show every version once, in
   * order, which holds only if transaction ids follow the row lock (MoveRepository.MOVE_SQL).
   */
  @Test
  void concurrentMovesOfOneCardArriveInVersionOrder() throws Exception {
    LocalDate date = Api.freshDate();
    int lastVersion = 61;
    ExecutorService movers = Executors.newFixedThreadPool(6);
    String id;
    try (EventStream stream = EventStream.open(api, date)) {
      id = created(stream, date, 13);
      AtomicInteger seen = new AtomicInteger(1);
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (int mover = 0; mover < 6; mover++) {
        running.add(CompletableFuture.runAsync(() -> {
          while (seen.get() < lastVersion) {
            int version = seen.get();
            Api.Reply reply = api.move(id, version % 2 == 1 ? "in_progress" : "scheduled", version);
            if (reply.status() == 200) {
              seen.accumulateAndGet(reply.data().getInteger("version"), Math::max);
            } else {
              assertThat(reply.status()).isEqualTo(409);
              seen.accumulateAndGet(reply.error().getInteger("current_version"), Math::max);
            }
          }
        }, movers));
      }
      CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      List<Event> events = stream.next(lastVersion - 1, ARRIVES);
      assertThat(events).extracting(e -> e.data().getInteger("version"))
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(2, lastVersion).boxed().toList());
      assertThat(api.historyCount(id)).isEqualTo(lastVersion - 1);
    } finally {
      movers.shutdownNow();
    }
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(
        "SELECT to_version FROM appointment_moves WHERE appointment_id = " + id + " AND kind = 'moved' ORDER BY txid, id")) {
      int expected = 2;
      while (rs.next()) {
        assertThat(rs.getInt(1)).as("the log's order is the card's version order").isEqualTo(expected++);
      }
      assertThat(expected).isEqualTo(lastVersion + 1);
    }
  }

  /**
   * Why the order holds: a move waiting for a card's row lock has no transaction id yet (FOR
   * UPDATE takes it after the wait), unlike an UPDATE or DELETE, which take it before waiting.
   * The move and the delete both lock first.
   */
  @Test
  void aMoveOrDeleteWaitingForTheCardsRowLockHasNoTransactionIdYet() throws Exception {
    for (String change : List.of("move", "delete")) {
      String id = api.createCard(Api.freshDate(), 14).getString("id");
      try (Connection holder = TestPostgres.jdbc(); Statement lock = holder.createStatement()) {
        holder.setAutoCommit(false);
        lock.execute("SELECT 1 FROM appointments WHERE id = " + id + " FOR UPDATE");
        CompletableFuture<Api.Reply> waiting = CompletableFuture.supplyAsync(() -> change.equals("move")
            ? api.move(id, "in_progress", 1)
            : api.send(api.request("/api/admin/appointments/" + id).DELETE().build()));
        TestPostgres.awaitServiceWaitingOnLock();
        try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery(
            "SELECT count(*), count(backend_xid) FROM pg_stat_activity WHERE application_name = 'move-api' AND wait_event_type = 'Lock'"
                + " AND datname = current_database()")) {
          rs.next();
          assertThat(rs.getInt(1)).as(change + " waiting").isEqualTo(1);
          assertThat(rs.getInt(2)).as("a waiting " + change + " holds no transaction id").isZero();
        }
        holder.commit();
        assertThat(waiting.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void aLastEventIdThatCannotBeReplayedGetsAResyncWithAPlaceToResumeFrom() throws Exception {
    LocalDate date = Api.freshDate();
    String id;
    String lastSeen;
    try (EventStream stream = EventStream.open(api, date)) {
      id = created(stream, date, 15);
      assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
      lastSeen = stream.next(ARRIVES).id();
    }
    assertThat(api.move(id, "ready", 2).status()).isEqualTo(200);
    // The missed move happened, as far as the log can tell, longer ago than the replay window (5 min).
    String aged = "UPDATE appointment_moves SET at = at %s interval '1 hour' WHERE appointment_id = " + id + " AND to_version = 3";
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement()) {
      sql.execute(aged.formatted("-"));
    }
    String resumeFrom = null;
    for (String[] lastEventId : new String[][] {{lastSeen, "gap_too_old"}, {"not-an-id", "unknown_event_id"},
        {"999999999999999-1", "unknown_event_id"}}) {
      try (EventStream resumed = EventStream.open(api, date, "Last-Event-ID", lastEventId[0])) {
        Event resync = resumed.next(ARRIVES);
        assertThat(resync.type()).isEqualTo("resync");
        assertThat(resync.data().getString("reason")).isEqualTo(lastEventId[1]);
        assertThat(resync.id()).as("a place to resume from").matches("[0-9]+-[0-9]+");
        resumeFrom = resync.id();
      }
    }
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement()) {
      sql.execute(aged.formatted("+"));
    }
    // The client refetches its board and goes on from the resync's id: what comes after it arrives.
    assertThat(api.move(id, "completed", 3).status()).isEqualTo(200);
    try (EventStream fromResync = EventStream.open(api, date, "Last-Event-ID", resumeFrom)) {
      Event event;
      do {
        event = fromResync.next(ARRIVES);
        assertThat(event).as("the move after the resync").isNotNull();
        assertThat(event.type()).isEqualTo("appointment.moved");
      } while (event.data().getInteger("version") < 4);
    }
  }

  /** A reader that cannot read for longer than the replay window starts again from the head: every stream must refetch. */
  @Test
  void aReaderAwayLongerThanTheReplayWindowResyncsEveryOpenStream() throws Exception {
    LocalDate date = Api.freshDate();
    try (TestService noReplay = TestService.start(Map.of("STREAM_REPLAY_WINDOW_MS", "0"));
         EventStream stream = EventStream.open(noReplay.api(), date)) {
      TestPostgres.terminateEventReader(noReplay.port());
      Event resync = stream.next(ARRIVES);
      assertThat(resync.type()).isEqualTo("resync");
      assertThat(resync.data().getString("reason")).isEqualTo("reader_lost_place");
      String id = noReplay.api().createCard(date, 16).getString("id");
      assertThat(stream.next(ARRIVES).data().getString("id")).as("and reads on from its new place").isEqualTo(id);
    }
  }
}
