package com.edgarautoshop.moveapi.move;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** What a move's or a reorder's statement decided. */
public sealed interface MoveResult {
  record Moved(JsonObject data) implements MoveResult {}

  record NotFound(long appointmentId) implements MoveResult {}

  record Conflict(long appointmentId, int requestedVersion, int currentVersion, String currentStatus) implements MoveResult {}

  record InvalidTransition(String from, String to, List<String> allowed) implements MoveResult {}

  /** A reorder's after_id that is the card itself, or not a card of its column ({@code status} on its day). */
  record InvalidAnchor(long afterId, String status, boolean itself) implements MoveResult {}

  /** A stored answer of an earlier request with the same Idempotency-Key. */
  record Replayed(int status, String body) implements MoveResult {}
}
