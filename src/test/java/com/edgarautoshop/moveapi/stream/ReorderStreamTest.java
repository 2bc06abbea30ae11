package com.edgarautoshop.moveapi.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.EventStream.Event;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Another screen sees a reorder: the card's appointment.moved and an appointment.positioned per renumbered card, live and on replay. */
class ReorderStreamTest extends ServiceTestBase {
  /** Events wait for the cluster's oldest running transaction, which on a shared server may be another suite's. */
  private static final Duration ARRIVES = Duration.ofSeconds(15);

  @Test
  void aSecondSubscriberSeesTheNewOrderLiveAndOnReplay() throws Exception {
    LocalDate date = Api.freshDate();
    try (EventStream screen = EventStream.open(api, date)) {
      String a = api.createCard(date, 9).getString("id");
      String b = api.createCard(date, 10).getString("id");
      String c = api.createCard(date, 11).getString("id");
      List<Event> created = screen.next(3, ARRIVES);
      String beforeReorder = created.get(2).id();

      JsonObject reordered = api.reorder(c, 1, null).data();
      List<Event> live = screen.next(3, ARRIVES);
      Map<String, Event> byCard = live.stream().collect(Collectors.toMap(e -> e.data().getString("id"), e -> e));
      assertThat(byCard.get(c).type()).isEqualTo("appointment.moved");
      assertThat(byCard.get(a).type()).isEqualTo("appointment.positioned");
      assertThat(byCard.get(b).type()).isEqualTo("appointment.positioned");
      // The card after the change: the reordered one with its new version, the others with theirs unchanged.
      assertThat(byCard.get(c).data().getInteger("version")).isEqualTo(2);
      assertThat(byCard.get(c).data().getString("updated_at")).isEqualTo(reordered.getString("updated_at"));
      assertThat(byCard.get(a).data().getInteger("version")).isEqualTo(1);
      assertThat(byCard.get(a).data().getString("status")).isEqualTo("scheduled");
      assertThat(byCard.get(a).data().getString("customer_name")).isEqualTo("Test Customer");
      // A positioned card's updated_at moves on, so a board can tell this event from an older one of the same version.
      assertThat(Instant.parse(byCard.get(a).data().getString("updated_at")))
          .isAfter(Instant.parse(created.get(0).data().getString("updated_at")));
      assertThat(order(live)).containsExactly(c, a, b);
      assertThat(order(live)).isEqualTo(api.column(date, "scheduled"));

      try (EventStream reconnected = EventStream.open(api, date, "Last-Event-ID", beforeReorder)) {
        List<Event> replayed = reconnected.next(3, ARRIVES);
        assertThat(replayed).isEqualTo(live);
      }
    }
  }

  /** The ids of the cards in these events, ordered by the positions they carry. */
  private static List<String> order(List<Event> events) {
    return events.stream().map(Event::data).sorted(Comparator.comparingInt(card -> card.getInteger("position")))
        .map(card -> card.getString("id")).toList();
  }
}
