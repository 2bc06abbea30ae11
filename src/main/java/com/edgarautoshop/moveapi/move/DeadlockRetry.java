package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.db.PgErrors;
import com.edgarautoshop.moveapi.web.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Deadlock (40P01) and serialization failure (40001) are retried exactly once after 10–25 ms, and
 * so is an attempt that found itself {@link OutOfOrder}; nothing else is. A second such failure
 * becomes the contract's 503 {@code deadlock}.
 */
final class DeadlockRetry {
  /** An attempt that changed nothing because its events would have been out of order; a new attempt can succeed. */
  static final class OutOfOrder extends RuntimeException {
    OutOfOrder(String message) {
      super(message, null, false, false);
    }
  }

  private DeadlockRetry() {}

  private static boolean retryable(Throwable failure) {
    return failure instanceof OutOfOrder || PgErrors.isRetryable(failure);
  }

  /** {@code onRetry} runs (on the event loop, so it must not block) just before the retry is scheduled. */
  static <T> Future<T> once(Vertx vertx, Supplier<Future<T>> attempt, Runnable onRetry) {
    return attempt.get().recover(failure -> {
      if (!retryable(failure)) {
        return Future.failedFuture(failure);
      }
      onRetry.run();
      long pauseMs = ThreadLocalRandom.current().nextLong(10, 26);
      return vertx.timer(pauseMs).compose(ignored -> attempt.get()).recover(second -> Future.failedFuture(
          retryable(second)
              ? new ApiError(503, "deadlock", "The database aborted the move twice because of concurrent moves; retry shortly.")
              : second));
    });
  }
}
