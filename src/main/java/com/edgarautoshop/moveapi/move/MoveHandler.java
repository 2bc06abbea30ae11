package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.metrics.MoveMetrics;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Correlation;
import com.edgarautoshop.moveapi.web.RequestBodies;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** POST /api/admin/appointments/{id}/move: validate into a command, run it, answer. */
public final class MoveHandler {
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]{1,128}");
  private static final BigInteger MAX_INT = BigInteger.valueOf(Integer.MAX_VALUE);

  private final Vertx vertx;
  private final MoveRepository repository;
  private final MoveMetrics metrics;

  public MoveHandler(Vertx vertx, MoveRepository repository, MoveMetrics metrics) {
    this.vertx = vertx;
    this.repository = repository;
    this.metrics = metrics;
  }

  public void handle(RoutingContext ctx) {
    JsonObject body = RequestBodies.jsonObject(ctx);
    JsonArray problems = new JsonArray();
    String newStatus = body.getValue("new_status") instanceof String s ? s : null;
    if (newStatus == null) {
      problems.add(problem("new_status", "is required and must be a string"));
    } else if (!Workflow.isStatus(newStatus)) {
      problems.add(problem("new_status", "must be one of " + String.join(", ", Workflow.STATUSES)));
    }
    Integer expectedVersion = intField(body, "expected_version", 1, true, problems);
    String positionField = body.containsKey("position") ? "position" : "new_position";
    Integer position = intField(body, positionField, 0, false, problems);
    if (!problems.isEmpty()) {
      throw ApiError.validation(problems);
    }
    Optional<String> key = Optional.ofNullable(ctx.request().getHeader("Idempotency-Key"));
    if (key.isPresent() && !VISIBLE_ASCII.matcher(key.get()).matches()) {
      throw ApiError.validation("Idempotency-Key", "must be 1 to 128 visible ASCII characters");
    }
    OptionalLong id = RequestBodies.pathId(ctx);
    if (id.isEmpty()) {
      throw ApiError.notFound("No appointment with id '" + ctx.pathParam("id") + "'.");
    }
    MoveCommand command = new MoveCommand(id.getAsLong(), newStatus, expectedVersion, position == null ? 0 : position,
        key, Authenticator.actor(ctx), Correlation.of(ctx));
    long started = System.nanoTime();
    DeadlockRetry.once(vertx, () -> repository.move(command), metrics::deadlockRetried)
        .onSuccess(result -> answer(ctx, result, started))
        .onFailure(failure -> {
          metrics.answered(Responses.toApiError(failure).status(), false, started);
          Responses.fail(ctx, failure);
        });
  }

  private void answer(RoutingContext ctx, MoveResult result, long started) {
    MoveAnswers.Answer answer = MoveAnswers.of(result);
    // A replayed 409 is not a new conflict: only the OCC check losing now counts.
    metrics.answered(answer.status(), result instanceof MoveResult.Conflict, started);
    if (result instanceof MoveResult.Replayed) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    Responses.send(ctx, answer.status(), answer.body());
  }

  private static Integer intField(JsonObject body, String field, int min, boolean required, JsonArray problems) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        problems.add(problem(field, "is required"));
      }
      return null;
    }
    if (!RequestBodies.isWholeNumber(value)) {
      problems.add(problem(field, "must be an integer written without fraction or exponent"));
      return null;
    }
    BigInteger number = new BigInteger(value.toString());
    if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(MAX_INT) > 0) {
      problems.add(problem(field, "must be between " + min + " and " + Integer.MAX_VALUE));
      return null;
    }
    return number.intValue();
  }

  private static JsonObject problem(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }
}
