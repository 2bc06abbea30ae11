package com.edgarautoshop.moveapi.stream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many board streams are open on this instance, across all event loops. With none open, the
 * listener skips reading the moved card: nobody would receive it, and that read is a second query
 * per move (a page that subscribes later reloads the board after ": subscribed" anyway).
 */
public final class StreamSubscribers {
  private final AtomicInteger open = new AtomicInteger();

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  boolean any() {
    return open.get() > 0;
  }
}
