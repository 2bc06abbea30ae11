package com.edgarautoshop.moveapi.move;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the move's one statement decided. */
public sealed interface MoveResult {
  record Moved(JsonObject data) implements MoveResult {}

  record NotFound(long appointmentId) implements MoveResult {}

  record Conflict(long appointmentId, int requestedVersion, int currentVersion, String currentStatus) implements MoveResult {}

  record InvalidTransition(String from, String to, List<String> allowed) implements MoveResult {}

  /** A stored answer of an earlier request with the same Idempotency-Key. */
  record Replayed(int status, String body) implements MoveResult {}
}
