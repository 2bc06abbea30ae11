package com.edgarautoshop.moveapi.stream;

import com.edgarautoshop.moveapi.config.AppConfig.StreamSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reader of the event log on this instance, on its own PostgreSQL connection (which also
 * LISTENs for the doorbell and sends it). It keeps its place, a {@link Cursor}, in memory, and
 * reads the final events after it whenever something may have happened: a change committed here
 * ({@link #changed}), another instance's doorbell, a reconnect, or the slow safety poll. Every
 * batch goes to the {@link StreamHub}. Everything here runs on one event-loop context.
 *
 * <p>A lost connection loses no place: after reconnecting the reader reads on from its cursor. It
 * gives its place up only after failing to read for longer than the replay window; it then starts
 * again from the head and every open stream gets a {@code resync}.
 */
public final class EventReader {
  /** Every instance LISTENs here; a NOTIFY (no payload) means "new events may be final". */
  static final String CHANNEL = "appointment_events";
  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);
  private static final int BATCH = 500;
  private static final EventLog.Batch NOTHING = new EventLog.Batch(List.of(), false);
  private static final long MIN_RECONNECT_DELAY_MS = 100;
  private static final long MAX_RECONNECT_DELAY_MS = 5000;
  private static final long MIN_RECHECK_DELAY_MS = 5;

  private final Vertx vertx;
  private final Context context;
  private final PgConnectOptions connectOptions;
  private final EventLog log;
  private final StreamHub hub;
  private final StreamMetrics metrics;
  private final StreamSettings settings;
  private final AtomicBoolean changePending = new AtomicBoolean();
  /** Completed once the reader has a place, or its first attempt to get one failed. */
  private final Promise<Void> started = Promise.promise();

  // Confined to the context.
  private PgConnection connection;
  private Cursor cursor;
  private boolean reading;
  private boolean readAgain;
  private boolean closed;
  private boolean doorbellScheduled;
  private long lastDoorbellNanos;
  /** When reading last stopped working (a failed read or a lost connection), 0 while it works. */
  private long failingSinceNanos;
  private long reconnectDelayMs = MIN_RECONNECT_DELAY_MS;
  private long recheckDelayMs = MIN_RECHECK_DELAY_MS;
  private boolean recheckScheduled;
  /** Whether the cursor has been compared with the head since the connection was made. */
  private boolean placeChecked;
  private long pollTimer;

  private EventReader(Vertx vertx, PgConnectOptions connectOptions, EventLog log, StreamHub hub, StreamMetrics metrics,
      StreamSettings settings) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.connectOptions = connectOptions;
    this.log = log;
    this.hub = hub;
    this.metrics = metrics;
    this.settings = settings;
  }

  /**
   * Starts reading; completes once the reader has its place (so that the first streams need no
   * resync), or after its first attempt failed. The service starts even when PostgreSQL is not
   * there yet: the reader then keeps retrying, as the pool-backed routes recover by themselves too.
   */
  public static Future<EventReader> start(Vertx vertx, PgConnectOptions connectOptions, EventLog log, StreamHub hub,
      StreamMetrics metrics, StreamSettings settings) {
    EventReader reader = new EventReader(vertx, connectOptions, log, hub, metrics, settings);
    reader.context.runOnContext(v -> {
      reader.pollTimer = vertx.setPeriodic(settings.poll().toMillis(), id -> reader.read());
      reader.connect();
    });
    return reader.started.future().map(reader);
  }

  /**
   * A change committed on this instance: read at once, and ring the other instances' doorbell.
   * Called from any thread, after the change's transaction committed; calls that come while one
   * is on its way to the reader's context are folded into it.
   */
  public void changed() {
    if (changePending.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        changePending.set(false);
        readForStreams();
        ringDoorbell();
      });
    }
  }

  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      vertx.cancelTimer(pollTimer);
      (connection == null ? Future.<Void>succeededFuture() : connection.close()).onComplete(ignored -> done.complete());
    });
    return done.future();
  }

  private Future<Void> connect() {
    return PgConnection.connect(vertx, connectOptions)
        .compose(conn -> conn.query("LISTEN " + CHANNEL).execute().map(listening -> conn)
            .onFailure(err -> conn.close()))
        .onSuccess(conn -> {
          connection = conn;
          reconnectDelayMs = MIN_RECONNECT_DELAY_MS;
          // Our own doorbell comes back too; the read it would cause has already happened.
          conn.notificationHandler(note -> {
            if (note.getProcessId() != conn.processId()) {
              readForStreams();
            }
          });
          conn.closeHandler(v -> {
            connection = null;
            failing();
            if (!closed) {
              LOG.warn("stream reader lost its PostgreSQL connection; reconnecting");
              reconnectLater();
            }
          });
          placeChecked = false;
          // Whatever committed while we were away is read now.
          read();
        })
        .onFailure(err -> {
          failing();
          started.tryComplete();
          LOG.warn("stream reader cannot connect to PostgreSQL: {}", err.getMessage());
          reconnectLater();
        })
        .mapEmpty();
  }

  private void reconnectLater() {
    if (closed) {
      return;
    }
    long delay = reconnectDelayMs;
    reconnectDelayMs = Math.min(MAX_RECONNECT_DELAY_MS, reconnectDelayMs * 2);
    vertx.setTimer(delay, id -> {
      if (!closed && connection == null) {
        connect();
      }
    });
  }

  /**
   * A change may be final now: worth a read only when a stream is open here. Without one, the
   * safety poll merely moves the cursor to the head (reading every event for nobody was a second
   * query per move), and a stream that opens is handed everything after that point.
   */
  private void readForStreams() {
    if (hub.openStreams() > 0) {
      read();
    }
  }

  /** Reads until no full batch is left; a read asked for meanwhile runs right after. */
  private void read() {
    if (reading) {
      readAgain = true;
      return;
    }
    PgConnection conn = connection;
    if (conn == null || closed) {
      return;
    }
    reading = true;
    readAgain = false;
    if (failingSinceNanos != 0 && System.nanoTime() - failingSinceNanos > settings.replayWindow().toNanos() && cursor != null) {
      // Away longer than anyone may replay: catching up could mean hours of events. Start afresh.
      LOG.warn("stream reader could not read for longer than the replay window; streams resync");
      cursor = null;
    }
    Future<EventLog.Batch> batch;
    if (cursor == null) {
      batch = startFromHead(conn);
    } else if (!placeChecked) {
      batch = checkPlace(conn);
    } else if (hub.openStreams() == 0) {
      batch = skipToHead(conn);
    } else {
      batch = log.after(conn, cursor, BATCH, metrics::age);
    }
    batch.onComplete(result -> {
      reading = false;
      started.tryComplete();
      if (result.failed()) {
        // Logged once per outage: every change would otherwise log it again.
        if (failingSinceNanos == 0) {
          LOG.warn("stream reader failed to read the event log; retrying: {}", result.cause().getMessage());
        }
        failing();
        return;
      }
      if (failingSinceNanos != 0) {
        LOG.info("stream reader reads the event log again after {} ms", (System.nanoTime() - failingSinceNanos) / 1_000_000);
        failingSinceNanos = 0;
      }
      List<StreamEvent> events = result.result().events();
      if (!events.isEmpty()) {
        cursor = events.get(events.size() - 1).cursor();
        hub.publish(events, cursor);
        // Progress: what still waits is behind transactions that are ending now, not a stuck one.
        recheckDelayMs = MIN_RECHECK_DELAY_MS;
      }
      if (readAgain || events.size() == BATCH) {
        read();
      } else if (result.result().pending()) {
        recheckSoon();
      } else {
        recheckDelayMs = MIN_RECHECK_DELAY_MS;
      }
    });
  }

  /** The reader has no place (first read, or it gave its place up): it starts at the head, and open streams must refetch. */
  private Future<EventLog.Batch> startFromHead(PgConnection conn) {
    return log.head(conn).map(head -> {
      boolean hadPlace = hub.position() != null;
      placeChecked = true;
      cursor = head;
      hub.restart(head, hadPlace ? "reader_lost_place" : "reader_started");
      return NOTHING;
    });
  }

  /**
   * After a reconnect. Transaction ids only grow, so a head below the cursor means another
   * database than the one the cursor was read from (a replica promoted without the last commits,
   * a restored backup): new events could carry ids the reader has passed, so it starts again from
   * the head. Either way the next read follows at once.
   */
  private Future<EventLog.Batch> checkPlace(PgConnection conn) {
    return log.head(conn).map(head -> {
      placeChecked = true;
      if (head.txid() < cursor.txid()) {
        LOG.warn("the database's transaction ids went back (head {}, reader at {}); streams resync", head, cursor);
        cursor = null;
      }
      readAgain = true;
      return NOTHING;
    });
  }

  /** No stream is open: the events up to the head concern nobody, unless a stream opens meanwhile (then the hub refuses). */
  private Future<EventLog.Batch> skipToHead(PgConnection conn) {
    return log.head(conn).map(head -> {
      if (head.compareTo(cursor) > 0 && hub.skipTo(head)) {
        cursor = head;
      }
      return NOTHING;
    });
  }

  /**
   * Committed events wait behind an older transaction that is still running, and its end may
   * ring no doorbell (a move that lost its check, another client of the database): look again
   * soon, then less and less often, never less often than the poll.
   */
  private void recheckSoon() {
    if (recheckScheduled) {
      return;
    }
    recheckScheduled = true;
    long delay = recheckDelayMs;
    recheckDelayMs = Math.min(settings.poll().toMillis(), recheckDelayMs * 2);
    vertx.setTimer(delay, id -> {
      recheckScheduled = false;
      readForStreams();
    });
  }

  private void failing() {
    if (failingSinceNanos == 0) {
      failingSinceNanos = System.nanoTime();
    }
  }

  /** At most one NOTIFY per doorbell interval, sent outside every change's transaction. */
  private void ringDoorbell() {
    long interval = settings.doorbell().toNanos();
    if (interval == 0 || doorbellScheduled) {
      return;
    }
    doorbellScheduled = true;
    long waitMs = Math.max(0, (lastDoorbellNanos + interval - System.nanoTime()) / 1_000_000);
    if (waitMs == 0) {
      sendDoorbell();
    } else {
      vertx.setTimer(waitMs, id -> sendDoorbell());
    }
  }

  private void sendDoorbell() {
    doorbellScheduled = false;
    lastDoorbellNanos = System.nanoTime();
    PgConnection conn = connection;
    if (conn != null) {
      // The others' safety poll covers a doorbell lost here.
      conn.query("NOTIFY " + CHANNEL).execute().onFailure(err -> LOG.debug("doorbell not sent: {}", err.getMessage()));
    }
  }
}
