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
    String requestId) implements KeyedWrite {

  /** "The same request": card id, expected_version and after_id; never equal to a move's. */
  @Override
  public String requestHash() {
    return IdempotencyKeys.hash("reorder|" + appointmentId + "|" + expectedVersion + "|" + (afterId.isPresent() ? afterId.getAsLong() : "top"));
  }
}
