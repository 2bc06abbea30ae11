package com.edgarautoshop.moveapi.move;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** Deadlock (40P01) and serialization failure (40001) are retried exactly once after 10–25 ms; nothing else is. */
final class DeadlockRetry {
  private DeadlockRetry() {}

  /** {@code onRetry} runs (on the event loop, so it must not block) just before the retry is scheduled. */
  static <T> Future<T> once(Vertx vertx, Supplier<Future<T>> attempt, Runnable onRetry) {
    return attempt.get().recover(failure -> {
      if (!isRetryable(failure)) {
        return Future.failedFuture(failure);
      }
      onRetry.run();
      long pauseMs = ThreadLocalRandom.current().nextLong(10, 26);
      return vertx.timer(pauseMs).compose(ignored -> attempt.get());
    });
  }

  static boolean isRetryable(Throwable failure) {
    return failure instanceof PgException pg && ("40P01".equals(pg.getSqlState()) || "40001".equals(pg.getSqlState()));
  }
}
