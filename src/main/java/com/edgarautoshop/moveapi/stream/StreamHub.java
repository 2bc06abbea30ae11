package com.edgarautoshop.moveapi.stream;

import com.edgarautoshop.moveapi.config.AppConfig.StreamSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The open board streams of this instance, across every event loop: admission within the caps,
 * the reader's position, and the hand-over of each batch of events to the streams of its date.
 * Registering a stream and publishing a batch take the same lock, so a stream's starting position
 * is exactly the point after which it is handed every event.
 */
public final class StreamHub {
  private final int maxPerUser;
  private final int maxPerInstance;
  private final List<StreamConnection> open = new ArrayList<>();
  private final Map<String, Integer> openPerUser = new HashMap<>();
  private Cursor position;

  public StreamHub(StreamSettings settings) {
    this.maxPerUser = settings.maxPerUser();
    this.maxPerInstance = settings.maxPerInstance();
  }

  /** Registers the stream at the current position, or says why it may not open (then nothing is registered). */
  synchronized String admit(StreamConnection stream) {
    if (open.size() >= maxPerInstance) {
      return "This instance already serves its maximum of " + maxPerInstance + " board streams; retry shortly.";
    }
    int mine = openPerUser.getOrDefault(stream.user(), 0);
    if (mine >= maxPerUser) {
      return "You already have " + maxPerUser + " open board streams; close one before opening another.";
    }
    openPerUser.put(stream.user(), mine + 1);
    open.add(stream);
    stream.startAt(position);
    return null;
  }

  synchronized void remove(StreamConnection stream) {
    if (open.remove(stream)) {
      openPerUser.computeIfPresent(stream.user(), (user, count) -> count > 1 ? count - 1 : null);
    }
  }

  synchronized int openStreams() {
    return open.size();
  }

  /** Where the reader is: every event up to here has been handed to the streams (null before its first read). */
  synchronized Cursor position() {
    return position;
  }

  /** A batch of final events, in log order, ending at {@code end}. */
  synchronized void publish(List<StreamEvent> events, Cursor end) {
    position = end;
    Map<String, List<StreamEvent>> byDate = new LinkedHashMap<>();
    for (StreamEvent event : events) {
      byDate.computeIfAbsent(event.date(), date -> new ArrayList<>()).add(event);
    }
    for (StreamConnection stream : open) {
      stream.offer(byDate.getOrDefault(stream.date(), List.of()), end);
    }
  }

  /** With no stream open, the reader may pass events by unread; refused (false) once a stream is open. */
  synchronized boolean skipTo(Cursor head) {
    if (!open.isEmpty()) {
      return false;
    }
    position = head;
    return true;
  }

  /** The reader starts (again) from {@code head}, without the events before it: every open stream must refetch its board. */
  synchronized void restart(Cursor head, String reason) {
    position = head;
    for (StreamConnection stream : open) {
      stream.resync(head, reason);
    }
  }
}
