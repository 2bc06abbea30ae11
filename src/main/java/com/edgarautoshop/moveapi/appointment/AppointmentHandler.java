package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.auth.Authenticator;
import com.edgarautoshop.moveapi.web.Correlation;
import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import com.edgarautoshop.moveapi.web.Validation;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Create, get, delete and history of one appointment. */
public final class AppointmentHandler {
  static final int DEFAULT_HISTORY_PAGE = 50;
  static final int MAX_HISTORY_PAGE = 200;
  private final AppointmentRepository repository;
  private final Runnable changed;

  /** {@code changed} runs after a create or delete committed (live boards read the event log then). */
  public AppointmentHandler(AppointmentRepository repository, Runnable changed) {
    this.repository = repository;
    this.changed = changed;
  }

  public void create(RoutingContext ctx) {
    NewAppointment appointment = NewAppointment.parse(Requests.jsonObject(ctx));
    repository.create(appointment, Authenticator.actor(ctx), Correlation.of(ctx), Requests.deadline(ctx))
        .onSuccess(card -> {
          changed.run();
          Responses.created(ctx, card);
        })
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  public void get(RoutingContext ctx) {
    long id = AppointmentIds.fromPath(ctx);
    repository.find(id)
        .onSuccess(card -> card.ifPresentOrElse(c -> Responses.ok(ctx, c), () -> Responses.fail(ctx, AppointmentIds.notFound(id))))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  public void delete(RoutingContext ctx) {
    long id = AppointmentIds.fromPath(ctx);
    repository.delete(id, Authenticator.actor(ctx), Correlation.of(ctx), Requests.deadline(ctx))
        .onSuccess(deleted -> {
          if (deleted) {
            changed.run();
            Responses.ok(ctx, new JsonObject().put("appointment_id", String.valueOf(id)));
          } else {
            Responses.fail(ctx, AppointmentIds.notFound(id));
          }
        })
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  /** {@code ?limit=} 1–200 (default 50) and {@code ?cursor=} from the previous page's {@code next_cursor}. */
  public void history(RoutingContext ctx) {
    long id = AppointmentIds.fromPath(ctx);
    Validation check = new Validation();
    int limit = check.queryInteger(ctx, "limit", 1, MAX_HISTORY_PAGE, DEFAULT_HISTORY_PAGE);
    Long before = check.queryId(ctx, "cursor");
    check.throwIfAny();
    repository.history(id, before, limit)
        .onSuccess(page -> page.ifPresentOrElse(
            data -> Responses.ok(ctx, data),
            () -> Responses.fail(ctx, AppointmentIds.notFound(id))))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }
}
