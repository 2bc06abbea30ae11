package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.appointment.AppointmentIds;
import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.metrics.MoveMetrics;
import com.edgarautoshop.moveapi.web.Correlation;
import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import com.edgarautoshop.moveapi.web.Validation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** POST /api/admin/appointments/{id}/move and …/reorder: validate into a command, run it, answer. */
public final class MoveHandler {
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]{1,128}");

  private final Vertx vertx;
  private final MoveRepository repository;
  private final ReorderRepository reorders;
  private final MoveMetrics metrics;
  private final Runnable moved;

  /** {@code moved} runs after a move or reorder committed (live boards read the event log then). */
  public MoveHandler(Vertx vertx, MoveRepository repository, ReorderRepository reorders, MoveMetrics metrics, Runnable moved) {
    this.vertx = vertx;
    this.repository = repository;
    this.reorders = reorders;
    this.metrics = metrics;
    this.moved = moved;
  }

  public void handle(RoutingContext ctx) {
    MoveCommand command = command(ctx);
    if (command != null) {
      run(ctx, () -> repository.move(command, Requests.deadline(ctx)));
    }
  }

  /** POST …/reorder: the move's rules, counted in the move's meters. */
  public void reorder(RoutingContext ctx) {
    ReorderCommand command = reorderCommand(ctx);
    if (command != null) {
      run(ctx, () -> reorders.reorder(command, Requests.deadline(ctx)));
    }
  }

  private void run(RoutingContext ctx, Supplier<Future<MoveResult>> attempt) {
    long started = System.nanoTime();
    DeadlockRetry.once(vertx, attempt, metrics::deadlockRetried)
        .onSuccess(result -> answer(ctx, result, started))
        .onFailure(failure -> {
          metrics.answered(Responses.toApiError(failure).status(), false, started);
          Responses.fail(ctx, failure);
        });
  }

  /**
   * The contract's precedence: body fields (400), then the key (400, then 422 if used before), then
   * the path id (404). Null when the path names no card: that answer is then on its way.
   */
  private MoveCommand command(RoutingContext ctx) {
    JsonObject body = Requests.jsonObject(ctx);
    Validation check = new Validation();
    String newStatus = check.oneOf(body, "new_status", Workflow.STATUSES);
    Integer expectedVersion = check.integer(body, "expected_version", 1, true);
    Integer position = check.integer(body, body.containsKey("position") ? "position" : "new_position", 0, false);
    check.throwIfAny();
    Optional<String> key = idempotencyKey(ctx);
    OptionalLong id = pathId(ctx, key);
    return id.isEmpty() ? null : new MoveCommand(id.getAsLong(), newStatus, expectedVersion, position == null ? 0 : position,
        key, Authenticator.actor(ctx), Correlation.of(ctx));
  }

  /** The move's precedence; {@code after_id} must be given, as an id or null (the top of the column). */
  private ReorderCommand reorderCommand(RoutingContext ctx) {
    JsonObject body = Requests.jsonObject(ctx);
    Validation check = new Validation();
    Integer expectedVersion = check.integer(body, "expected_version", 1, true);
    Long afterId = check.idOrNull(body, "after_id");
    check.throwIfAny();
    Optional<String> key = idempotencyKey(ctx);
    OptionalLong id = pathId(ctx, key);
    return id.isEmpty() ? null : new ReorderCommand(id.getAsLong(), expectedVersion,
        afterId == null ? OptionalLong.empty() : OptionalLong.of(afterId), key, Authenticator.actor(ctx), Correlation.of(ctx));
  }

  /**
   * The path's card id. One that names no card is 404, unless a key already holds an answer: the
   * contract checks a reused key (422) before the card, so that answer is sent instead.
   */
  private OptionalLong pathId(RoutingContext ctx, Optional<String> key) {
    String raw = ctx.pathParam("id");
    OptionalLong id = Requests.id(raw);
    if (id.isPresent() || key.isEmpty()) {
      return OptionalLong.of(id.orElseThrow(() -> AppointmentIds.notFound(raw)));
    }
    repository.idempotencyKeyRecorded(IdempotencyKeys.scoped(Authenticator.actor(ctx), key.get()))
        .onSuccess(recorded -> Responses.fail(ctx, recorded ? IdempotencyKeys.reused() : AppointmentIds.notFound(raw)))
        .onFailure(failure -> Responses.fail(ctx, failure));
    return OptionalLong.empty();
  }

  private static Optional<String> idempotencyKey(RoutingContext ctx) {
    Optional<String> key = Optional.ofNullable(ctx.request().getHeader("Idempotency-Key"));
    if (key.isPresent() && !VISIBLE_ASCII.matcher(key.get()).matches()) {
      throw Validation.error("Idempotency-Key", "must be 1 to 128 visible ASCII characters");
    }
    return key;
  }

  private void answer(RoutingContext ctx, MoveResult result, long started) {
    MoveAnswers.Answer answer = MoveAnswers.of(result);
    // A replayed 409 is not a new conflict: only the OCC check losing now counts.
    metrics.answered(answer.status(), result instanceof MoveResult.Conflict, started);
    if (result instanceof MoveResult.Moved) {
      moved.run();
    }
    if (result instanceof MoveResult.Replayed) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    Responses.send(ctx, answer.status(), answer.body());
  }
}
