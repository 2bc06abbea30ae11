package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.RequestBodies;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Create, get and history of one appointment. */
public final class AppointmentHandler {
  private final AppointmentRepository repository;

  public AppointmentHandler(AppointmentRepository repository) {
    this.repository = repository;
  }

  public void create(RoutingContext ctx) {
    NewAppointment appointment = NewAppointment.parse(RequestBodies.jsonObject(ctx));
    repository.create(appointment)
        .onSuccess(card -> Responses.created(ctx, card))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  public void get(RoutingContext ctx) {
    long id = RequestBodies.requirePathId(ctx);
    repository.find(id)
        .onSuccess(card -> card.ifPresentOrElse(c -> Responses.ok(ctx, c), () -> Responses.fail(ctx, notFound(id))))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  public void history(RoutingContext ctx) {
    long id = RequestBodies.requirePathId(ctx);
    repository.history(id)
        .onSuccess(items -> items.ifPresentOrElse(
            list -> Responses.ok(ctx, new JsonObject().put("items", list)),
            () -> Responses.fail(ctx, notFound(id))))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  private static ApiError notFound(long id) {
    return ApiError.notFound("No appointment with id '" + id + "'.");
  }
}
