package com.edgarautoshop.moveapi.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.EventStream.Event;
import com.edgarautoshop.moveapi.testing.TestService;
import com.edgarautoshop.moveapi.testing.Tokens;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streams are bounded: per user and per instance (429 with Retry-After), by their token's expiry and by a maximum lifetime. */
class StreamLimitsTest {
  private static final Duration ARRIVES = Duration.ofSeconds(15);
  private static Vertx vertx;
  private static Tokens tokens;
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    tokens = Tokens.create(vertx);
    Map<String, String> env = new HashMap<>(tokens.env());
    env.putAll(Map.of("STREAM_MAX_PER_USER", "2", "STREAM_MAX_PER_INSTANCE", "3", "JWT_LEEWAY_SECONDS", "0", "STREAM_HEARTBEAT_MS", "200"));
    service = TestService.start(env);
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    vertx.close().await();
  }

  private static String[] bearer(String token) {
    return new String[] {"Authorization", "Bearer " + token};
  }

  @Test
  void aUserAndTheInstanceAreCappedWith429AndRetryAfter() throws Exception {
    LocalDate date = Api.freshDate();
    String alice = tokens.advisor("alice", 600);
    try (EventStream first = EventStream.open(api, date, bearer(alice)); EventStream second = EventStream.open(api, date, bearer(alice))) {
      Api.Reply third = api.get("/api/admin/appointments/stream?date=" + date, bearer(alice));
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.error().getString("code")).isEqualTo("too_many_streams");
      assertThat(third.header("Retry-After")).matches("[1-9][0-9]*");

      try (EventStream bob = EventStream.open(api, date, bearer(tokens.advisor("bob", 600)))) {
        Api.Reply carol = api.get("/api/admin/appointments/stream?date=" + date, bearer(tokens.advisor("carol", 600)));
        assertThat(carol.status()).as("the instance holds 3 streams").isEqualTo(429);
        assertThat(carol.header("Retry-After")).matches("[1-9][0-9]*");
      }
      first.close();
      // Once the server has seen alice's first stream go, she may open another.
      Awaitility.await("alice's first stream is released").atMost(ARRIVES).pollInterval(Duration.ofMillis(50)).until(() -> {
        try (EventStream again = EventStream.open(api, date, bearer(alice))) {
          return true;
        } catch (IllegalStateException refused) {
          return false;
        }
      });
    }
  }

  @Test
  void aStreamEndsWithCloseWhenItsTokenExpires() throws Exception {
    LocalDate date = Api.freshDate();
    try (EventStream stream = EventStream.open(api, date, bearer(tokens.advisor("dave", 2)))) {
      assertThat(stream.nextComment(ARRIVES)).startsWith("subscribed");
      Event close = stream.next(ARRIVES);
      assertThat(close.type()).isEqualTo("close");
      assertThat(close.data().getString("reason")).isEqualTo("token_expired");
      assertThat(stream.ends(ARRIVES)).isTrue();
    }
  }

  @Test
  void aStreamEndsWithCloseAtItsMaximumLifetimeWithAnIdToResumeFrom() throws Exception {
    LocalDate date = Api.freshDate();
    try (TestService shortLived = TestService.start(Map.of("STREAM_MAX_LIFETIME_MS", "1500"))) {
      String id = shortLived.api().createCard(date, 9).getString("id");
      String resumeFrom;
      try (EventStream stream = EventStream.open(shortLived.api(), date)) {
        Event close = stream.next(ARRIVES);
        // The card's creation may still be on its way when the stream opens.
        if (close.type().equals("appointment.created")) {
          close = stream.next(ARRIVES);
        }
        assertThat(close.type()).isEqualTo("close");
        assertThat(close.data().getString("reason")).isEqualTo("max_lifetime");
        assertThat(close.id()).matches("[0-9]+-[0-9]+");
        assertThat(stream.ends(ARRIVES)).isTrue();
        resumeFrom = close.id();
      }
      assertThat(shortLived.api().move(id, "in_progress", 1).status()).isEqualTo(200);
      try (EventStream reconnected = EventStream.open(shortLived.api(), date, "Last-Event-ID", resumeFrom)) {
        Event missed = reconnected.next(ARRIVES);
        assertThat(missed.type()).isEqualTo("appointment.moved");
        assertThat(missed.data().getString("id")).isEqualTo(id);
      }
    }
  }
}
