package com.edgarautoshop.moveapi.appointment;

import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Requests;
import io.vertx.ext.web.RoutingContext;

/** The appointment id of a path and the one "no such appointment" answer. */
public final class AppointmentIds {
  private AppointmentIds() {}

  /** Ids that are not positive bigints name no appointment, so they are 404 rather than 400. */
  public static long fromPath(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    return Requests.id(raw).orElseThrow(() -> notFound(raw));
  }

  public static ApiError notFound(Object id) {
    return ApiError.notFound("No appointment with id '" + id + "'.");
  }
}
