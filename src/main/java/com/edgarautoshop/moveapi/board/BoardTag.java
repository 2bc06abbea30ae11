package com.edgarautoshop.moveapi.board;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * A board's version, its ETag: how many cards the day has and a digest of their (id, version)
 * pairs, the sum of a 64-bit mix of each pair. Every field a board shows changes only through a
 * create, a move (which bumps the card's version) or a delete, and each of those changes the set
 * of pairs, so the tag changes with any change of the day's cards; two different sets sharing
 * count and digest would take a 64-bit collision. The same board always has the same tag, on
 * every instance.
 */
record BoardTag(int cards, long digest) {
  /** Changes whenever the board's rendering does, so that a tag from an older format never matches. */
  private static final String FORMAT = "b1";

  /** Of the cards in {@code rows}, each read with {@code id} and {@code version}. */
  static BoardTag of(RowSet<Row> rows, ToLongFunction<Row> id, ToIntFunction<Row> version) {
    long digest = 0;
    for (Row row : rows) {
      digest += mix(id.applyAsLong(row) * 0x9E3779B97F4A7C15L + version.applyAsInt(row));
    }
    return new BoardTag(rows.size(), digest);
  }

  /** SplitMix64's finalizer: every input bit reaches every output bit. */
  private static long mix(long value) {
    long z = (value ^ (value >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  String etag() {
    return "\"" + FORMAT + "-" + cards + "-" + Long.toHexString(digest) + "\"";
  }

  /** If-None-Match: a list of tags, or {@code *}; weak tags compare by their value (RFC 9110, 13.1.2). */
  boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    String mine = etag();
    for (String tag : ifNoneMatch.split(",")) {
      String candidate = tag.trim();
      if (candidate.equals("*") || (candidate.startsWith("W/") ? candidate.substring(2) : candidate).equals(mine)) {
        return true;
      }
    }
    return false;
  }
}
