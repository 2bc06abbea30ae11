package com.edgarautoshop.moveapi.move;

import java.util.Optional;
import java.util.OptionalLong;

/** A validated reorder request: place the card right after {@code afterId} in its column, or first when empty. */
public record ReorderCommand(
    long appointmentId,
    int expectedVersion,
    OptionalLong afterId,
    Optional<String> idempotencyKey,
    String actor,
    String requestId) {

  /** The key as stored, scoped to the actor ({@link IdempotencyKeys#scoped}); shared with moves. */
  public Optional<String> scopedIdempotencyKey() {
    return idempotencyKey.map(key -> IdempotencyKeys.scoped(actor, key));
  }

  /** "The same request": card id, expected_version and after_id; never equal to a move's. */
  public String requestHash() {
    return IdempotencyKeys.hash("reorder|" + appointmentId + "|" + expectedVersion + "|" + (afterId.isPresent() ? afterId.getAsLong() : "top"));
  }
}
