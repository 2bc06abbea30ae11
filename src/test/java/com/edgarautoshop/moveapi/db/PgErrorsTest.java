package com.edgarautoshop.moveapi.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** PostgreSQL failure classes and their contract errors, without a server. */
class PgErrorsTest {
  private static PgException pg(String sqlState) {
    return new PgException("driver text " + sqlState, "ERROR", sqlState, "detail");
  }

  @Test
  void deadlockAndSerializationFailureAreRetryableAndNothingElse() {
    assertThat(PgErrors.isRetryable(pg("40P01"))).isTrue();
    assertThat(PgErrors.isRetryable(pg("40001"))).isTrue();
    assertThat(PgErrors.isRetryable(pg("23505"))).isFalse();
    assertThat(PgErrors.isRetryable(new ConnectException("refused"))).isFalse();
  }

  @Test
  void timeoutsAndLostConnectionsAreUnavailable() {
    for (String state : new String[] {"57014", "55P03", "08006", "57P01"}) {
      assertThat(PgErrors.isUnavailable(pg(state))).as(state).isTrue();
    }
    assertThat(PgErrors.isUnavailable(pg("23514"))).isFalse();
    assertThat(PgErrors.isUnavailable(new ConnectException("refused"))).isTrue();
    assertThat(PgErrors.isUnavailable(new VertxException("Timeout while waiting for a connection", true))).isTrue();
    assertThat(PgErrors.isUnavailable(new IllegalStateException("bug"))).isFalse();
  }

  /** PostgreSQL stopped with -m immediate resets its connections; a move in flight on one was answered 500 (PostgresRestartTest). */
  @Test
  void aResetConnectionIsLostWorkAndUnavailableARefusedOneOnlyUnavailable() {
    SocketException reset = new SocketException("Connection reset");
    assertThat(PgErrors.isConnectionLost(reset)).isTrue();
    assertThat(PgErrors.isUnavailable(reset)).isTrue();
    assertThat(Responses.toApiError(reset).status()).isEqualTo(503);
    assertThat(Responses.toApiError(new Deadline.OutcomeUnknown(reset)).status()).isEqualTo(504);
    assertThat(PgErrors.isConnectionLost(new ConnectException("refused"))).as("never sent").isFalse();
  }

  @Test
  void theContractErrorNeverLeaksDriverText() {
    ApiError unavailable = Responses.toApiError(pg("57014"));
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.code()).isEqualTo("unavailable");
    ApiError internal = Responses.toApiError(pg("23514"));
    assertThat(internal.status()).isEqualTo(500);
    assertThat(internal.code()).isEqualTo("internal_error");
    assertThat(internal.body().encode()).doesNotContain("23514").doesNotContain("driver text");
    ApiError deliberate = new ApiError(409, "x", "y");
    assertThat(Responses.toApiError(deliberate)).isSameAs(deliberate);
  }
}
