package com.edgarautoshop.moveapi.stream;

import com.edgarautoshop.moveapi.appointment.Announcements;
import com.edgarautoshop.moveapi.appointment.AppointmentRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Instant;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one LISTEN connection of this instance. Writers announce a change ({@link Announcements})
 * inside their own transaction, so Postgres delivers it only on commit and to every instance. The listener reads the card as committed by id (payloads are capped at
 * 8000 bytes, a card with long notes is not) and publishes it on a local event-bus address, where
 * each HTTP verticle's stream connections pick up the events of their date.
 */
public final class AppointmentEvents {
  /** Local event-bus address; bodies are {"type", "date" (the card's day in the shop's zone), "data" (card JSON text)}. */
  public static final String ADDRESS = "appointment.events";
  private static final Logger LOG = LoggerFactory.getLogger(AppointmentEvents.class);
  private static final long MAX_RECONNECT_DELAY_MS = 5000;

  private final Vertx vertx;
  private final PgSubscriber subscriber;
  private final AppointmentRepository appointments;
  private final ZoneId shopZone;
  private final StreamSubscribers subscribers;
  /** Cards are read one after another so that clients get events in commit order. */
  private Future<Void> previous = Future.succeededFuture();

  private AppointmentEvents(Vertx vertx, PgSubscriber subscriber, AppointmentRepository appointments, ZoneId shopZone,
      StreamSubscribers subscribers) {
    this.vertx = vertx;
    this.subscriber = subscriber;
    this.appointments = appointments;
    this.shopZone = shopZone;
    this.subscribers = subscribers;
  }

  /**
   * Starts listening; completes after the first connect attempt. The service starts even when
   * Postgres is not there yet: the first connect is then retried like a lost connection, since
   * pool-backed routes recover by themselves too.
   */
  public static Future<AppointmentEvents> start(Vertx vertx, PgConnectOptions connect, AppointmentRepository appointments, ZoneId shopZone,
      StreamSubscribers subscribers) {
    PgSubscriber subscriber = PgSubscriber.subscriber(vertx, connect)
        // A lost connection (Postgres restart, network cut) is retried for ever with a capped backoff.
        .reconnectPolicy(AppointmentEvents::reconnectDelay);
    AppointmentEvents events = new AppointmentEvents(vertx, subscriber, appointments, shopZone, subscribers);
    subscriber.channel(Announcements.CHANNEL).handler(events::announce);
    return events.connect(0).map(events);
  }

  public Future<Void> close() {
    return subscriber.close();
  }

  private static long reconnectDelay(int retries) {
    return Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(retries, 6));
  }

  private Future<Void> connect(int attempt) {
    return subscriber.connect().recover(err -> {
      LOG.warn("stream listener cannot connect to Postgres yet: {}", err.getMessage());
      vertx.setTimer(reconnectDelay(attempt), id -> connect(attempt + 1));
      return Future.succeededFuture();
    });
  }

  private void announce(String payload) {
    if (!subscribers.any()) {
      return;
    }
    JsonObject note = new JsonObject(payload);
    String type = note.getString("type");
    previous = previous.transform(ignored -> appointments.find(note.getLong("id"))).transform(found -> {
      if (found.failed()) {
        LOG.warn("stream event for appointment {} dropped, card not readable: {}", note.getLong("id"), found.cause().getMessage());
      } else {
        found.result().ifPresent(card -> vertx.eventBus().publish(ADDRESS, new JsonObject()
            .put("type", type)
            .put("date", Instant.parse(card.getString("appt_start")).atZone(shopZone).toLocalDate().toString())
            .put("data", card.encode())));
      }
      return Future.succeededFuture();
    });
  }
}
