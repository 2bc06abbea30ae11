package com.edgarautoshop.moveapi.move;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** A validated move request, with who asked and under which correlation id. */
public record MoveCommand(
    long appointmentId,
    String newStatus,
    int expectedVersion,
    int position,
    Optional<String> idempotencyKey,
    String actor,
    String requestId) {

  /**
   * The key as stored: scoped to the actor, so that another user sending the same key and request
   * gets an answer of their own, never this actor's. The length prefix keeps the pair unambiguous.
   */
  public Optional<String> scopedIdempotencyKey() {
    return idempotencyKey.map(key -> actor.length() + ":" + actor + ":" + key);
  }

  /** "The same request" for idempotency: card id, new_status, expected_version and position. */
  public String requestHash() {
    String canonical = appointmentId + "|" + newStatus + "|" + expectedVersion + "|" + position;
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("SHA-256 is part of every JRE", ex);
    }
  }
}
