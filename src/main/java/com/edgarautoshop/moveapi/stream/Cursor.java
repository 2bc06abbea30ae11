package com.edgarautoshop.moveapi.stream;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the event log: the writing transaction's id and the row's id, in the order the
 * readers walk the log. Sent to clients as the SSE {@code id:} ("txid-id"), opaque to them.
 */
record Cursor(long txid, long id) implements Comparable<Cursor> {
  private static final Pattern TEXT = Pattern.compile("([0-9]{1,18})-([0-9]{1,18})");

  /** The client's Last-Event-ID, when it is one of ours. */
  static Optional<Cursor> parse(String text) {
    Matcher parts = text == null ? null : TEXT.matcher(text.trim());
    if (parts == null || !parts.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Cursor(Long.parseLong(parts.group(1)), Long.parseLong(parts.group(2))));
  }

  /** The place just before every row written by transaction {@code txid} or a later one. */
  static Cursor before(long txid) {
    return new Cursor(txid, 0);
  }

  static Cursor max(Cursor a, Cursor b) {
    return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(Cursor other) {
    int byTxid = Long.compare(txid, other.txid);
    return byTxid != 0 ? byTxid : Long.compare(id, other.id);
  }

  @Override
  public String toString() {
    return txid + "-" + id;
  }
}
