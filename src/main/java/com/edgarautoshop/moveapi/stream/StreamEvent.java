package com.edgarautoshop.moveapi.stream;

import io.vertx.core.buffer.Buffer;

/**
 * One SSE frame of a board stream. A log event is encoded once by the reader and the same bytes
 * go to every stream of its date; a control frame ({@code resync}, {@code close}) is made for one
 * stream, carrying that stream's position as its id so the client can resume from there.
 */
record StreamEvent(Cursor cursor, String date, Buffer frame, String controlReason) {
  static StreamEvent logged(Cursor cursor, String date, String type, String data) {
    return new StreamEvent(cursor, date, frame(cursor, type, data), null);
  }

  /** The client refetches the board, then goes on from {@code position}. */
  static StreamEvent resync(Cursor position, String reason) {
    return new StreamEvent(position, null, frame(position, "resync", reasonJson(reason)), reason);
  }

  /** Sent just before the server ends the stream; the client reconnects with this id. */
  static StreamEvent close(Cursor position, String reason) {
    return new StreamEvent(position, null, frame(position, "close", reasonJson(reason)), reason);
  }

  boolean control() {
    return controlReason != null;
  }

  /** Reasons are our own constants: plain identifiers, nothing to escape. */
  private static String reasonJson(String reason) {
    return "{\"reason\":\"" + reason + "\"}";
  }

  /** Without a position (the reader has never reached PostgreSQL) a control frame has no id. */
  private static Buffer frame(Cursor cursor, String type, String data) {
    return Buffer.buffer((cursor == null ? "" : "id: " + cursor + "\n") + "event: " + type + "\ndata: " + data + "\n\n");
  }
}
