package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Create, get, delete and history of one appointment. */
public final class AppointmentHandler {
  private final AppointmentRepository repository;

  public AppointmentHandler(AppointmentRepository repository) {
    this.repository = repository;
  }

  public void create(RoutingContext ctx) {
    NewAppointment appointment = NewAppointment.parse(Requests.jsonObject(ctx));
    repository.create(appointment, Requests.deadline(ctx))
        .onSuccess(card -> Responses.created(ctx, card))
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
    repository.delete(id, Requests.deadline(ctx))
        .onSuccess(deleted -> {
          if (deleted) {
            Responses.ok(ctx, new JsonObject().put("appointment_id", String.valueOf(id)));
          } else {
            Responses.fail(ctx, AppointmentIds.notFound(id));
          }
        })
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  public void history(RoutingContext ctx) {
    long id = AppointmentIds.fromPath(ctx);
    repository.history(id)
        .onSuccess(items -> items.ifPresentOrElse(
            list -> Responses.ok(ctx, new JsonObject().put("items", list)),
            () -> Responses.fail(ctx, AppointmentIds.notFound(id))))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }
}
