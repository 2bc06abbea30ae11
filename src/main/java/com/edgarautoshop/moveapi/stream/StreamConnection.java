package com.edgarautoshop.moveapi.stream;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One open board stream. The reader's thread hands it events ({@link #offer}) into a bounded
 * queue; its own event loop writes them ({@link #drain}). While its opening (the replay of what
 * the client missed) is being read, events are held, then written after it without repeats.
 */
final class StreamConnection {
  /** Frames waiting for this stream's event loop; beyond this the stream gets a resync instead of more memory. */
  static final int MAX_PENDING = 1000;
  private static final Buffer PING = Buffer.buffer(": ping\n\n");

  private final HttpServerResponse response;
  private final Context context;
  private final String date;
  private final String user;
  private final StreamMetrics metrics;

  // Guarded by this: touched by the reader's thread and the stream's event loop.
  private final ArrayDeque<StreamEvent> pending = new ArrayDeque<>();
  private Cursor offered;
  private boolean holding = true;
  private boolean drainScheduled;
  private boolean ended;
  private long[] timers = {};

  // The stream's event loop only: the last log event written, so a replay and the live queue never repeat one.
  private Cursor written;

  StreamConnection(HttpServerResponse response, Context context, String date, String user, StreamMetrics metrics) {
    this.response = response;
    this.context = context;
    this.date = date;
    this.user = user;
    this.metrics = metrics;
  }

  String date() {
    return date;
  }

  String user() {
    return user;
  }

  /** Under the hub's lock, when admitted: the stream is handed every event after {@code position}. */
  synchronized void startAt(Cursor position) {
    offered = position;
  }

  synchronized Cursor start() {
    return offered;
  }

  /** The reader's thread: events of this stream's date in a batch that ends at {@code end} (maybe none). */
  void offer(List<StreamEvent> events, Cursor end) {
    boolean schedule;
    synchronized (this) {
      if (ended) {
        return;
      }
      if (pending.size() + events.size() > MAX_PENDING) {
        // Its loop is too far behind: drop what waits, and tell the client to refetch.
        pending.clear();
        pending.add(StreamEvent.resync(end, "stream_overflow"));
      } else {
        pending.addAll(events);
      }
      offered = end;
      schedule = scheduleDrain();
    }
    if (schedule) {
      context.runOnContext(v -> drain());
    }
  }

  /** The reader's thread: whatever waits is worthless, the client must refetch and go on from {@code position}. */
  void resync(Cursor position, String reason) {
    boolean schedule;
    synchronized (this) {
      if (ended) {
        return;
      }
      pending.clear();
      pending.add(StreamEvent.resync(position, reason));
      offered = position;
      schedule = scheduleDrain();
    }
    if (schedule) {
      context.runOnContext(v -> drain());
    }
  }

  private boolean scheduleDrain() {
    if (holding || drainScheduled || pending.isEmpty()) {
      return false;
    }
    drainScheduled = true;
    return true;
  }

  /**
   * The stream's event loop: writes the opening frames (replayed events or a resync), then
   * everything held meanwhile. {@code resumeAfter} is the client's Last-Event-ID when replayed:
   * held events up to it are not written again.
   */
  void open(List<StreamEvent> opening, Cursor resumeAfter) {
    written = resumeAfter;
    write(opening);
    synchronized (this) {
      holding = false;
    }
    drain();
  }

  void drain() {
    List<StreamEvent> frames;
    synchronized (this) {
      drainScheduled = false;
      if (holding || ended) {
        return;
      }
      frames = new ArrayList<>(pending);
      pending.clear();
    }
    write(frames);
  }

  void ping() {
    send(PING);
  }

  /** Writes what waits, then a {@code close} frame carrying the stream's position, and ends the stream. */
  void close(String reason) {
    List<StreamEvent> frames;
    Cursor position;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      frames = holding ? List.of() : new ArrayList<>(pending);
      pending.clear();
      position = holding ? offered : Cursor.max(offered, written);
    }
    write(frames);
    if (send(StreamEvent.close(position, reason).frame())) {
      response.end();
    }
  }

  /** The stream's heartbeat and end timers, cancelled when it ends. */
  void timers(long... ids) {
    synchronized (this) {
      if (!ended) {
        timers = ids;
        return;
      }
    }
    cancel(ids);
  }

  /** The client went away, or the stream was ended: nothing more is queued for it. */
  void ended() {
    long[] running;
    synchronized (this) {
      ended = true;
      pending.clear();
      running = timers;
      timers = new long[0];
    }
    cancel(running);
  }

  private void cancel(long[] ids) {
    for (long id : ids) {
      context.owner().cancelTimer(id);
    }
  }

  private void write(List<StreamEvent> frames) {
    for (StreamEvent frame : frames) {
      if (frame.control()) {
        metrics.resync(frame.controlReason());
      } else if (written != null && frame.cursor().compareTo(written) <= 0) {
        continue;
      }
      if (!send(frame.frame())) {
        return;
      }
      if (!frame.control()) {
        written = frame.cursor();
        metrics.delivered();
      }
    }
  }

  /**
   * Backpressure: the write queue is bounded by the server's high-water mark on top of the socket
   * buffers. A client that lets it fill is too slow or stuck; it is closed rather than buffered
   * for, and its page reconnects with its Last-Event-ID.
   */
  private boolean send(Buffer frame) {
    if (response.closed() || response.ended()) {
      return false;
    }
    if (response.writeQueueFull()) {
      // On HTTP/1.1 a reset closes the connection; on HTTP/2 it cancels just this stream.
      response.reset();
      return false;
    }
    response.write(frame);
    return true;
  }
}
