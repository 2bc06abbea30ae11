package com.edgarautoshop.moveapi.board;

import io.vertx.sqlclient.Row;

/**
 * A board's version, its ETag: how many cards the day has and a digest of their (id, version)
 * pairs, the sum of a 64-bit hash of each pair. Every field a board shows changes only through a
 * create, a move (which bumps the card's version) or a delete, and each of those changes the set
 * of pairs, so the tag changes with any change of the day's cards (two different sets sharing
 * count and digest would need a 64-bit hash collision).
 */
record BoardTag(long cards, String digest) {
  /** The digest over the appointments of one day: %1$s is the table's alias prefix ("a." or ""), %2$s a window clause or "". */
  static final String DIGEST_SQL = "coalesce(sum(hashint8extended(%1$sid, %1$sversion))%2$s, 0)::text";
  /** Changes whenever the board's rendering does, so that a tag from an older format never matches. */
  private static final String FORMAT = "b1";

  /** From a row with the columns tag_cards and tag_digest. */
  static BoardTag of(Row row) {
    return new BoardTag(row.getLong("tag_cards"), row.getString("tag_digest"));
  }

  String etag() {
    return "\"" + FORMAT + "-" + cards + "-" + digest + "\"";
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
