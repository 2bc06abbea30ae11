package com.edgarautoshop.moveapi.move;

import java.util.Optional;

/** A validated move request, with who asked and under which correlation id. */
public record MoveCommand(
    long appointmentId,
    String newStatus,
    int expectedVersion,
    int position,
    Optional<String> idempotencyKey,
    String actor,
    String requestId) implements KeyedWrite {

  /** "The same request" for idempotency: card id, new_status, expected_version and position. */
  @Override
  public String requestHash() {
    return IdempotencyKeys.hash(appointmentId + "|" + newStatus + "|" + expectedVersion + "|" + position);
  }
}
