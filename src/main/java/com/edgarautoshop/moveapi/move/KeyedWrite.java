package com.edgarautoshop.moveapi.move;

import java.util.Optional;

/** A write that may carry an Idempotency-Key: the move and the reorder share the keys' machinery ({@link IdempotencyKeys}). */
interface KeyedWrite {
  Optional<String> idempotencyKey();

  String actor();

  /** What "the same request" is compared by; never equal for two kinds of write. */
  String requestHash();

  /** The key as stored, scoped to the actor ({@link IdempotencyKeys#scoped}). */
  default Optional<String> scopedIdempotencyKey() {
    return idempotencyKey().map(key -> IdempotencyKeys.scoped(actor(), key));
  }
}
