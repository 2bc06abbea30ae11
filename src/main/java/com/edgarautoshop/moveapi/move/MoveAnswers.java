package com.edgarautoshop.moveapi.move;

import com.edgarautoshop.moveapi.appointment.AppointmentIds;
import com.edgarautoshop.moveapi.web.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Turns a move's or a reorder's result into the contract's status and envelope (also what an idempotency record stores). */
final class MoveAnswers {
  record Answer(int status, JsonObject body) {}

  private MoveAnswers() {}

  static Answer of(MoveResult result) {
    if (result instanceof MoveResult.Moved moved) {
      return new Answer(200, new JsonObject().put("ok", true).put("data", moved.data()));
    }
    if (result instanceof MoveResult.NotFound nf) {
      return error(AppointmentIds.notFound(nf.appointmentId()));
    }
    if (result instanceof MoveResult.Conflict c) {
      return error(new ApiError(409, "version_conflict",
          "The appointment was changed by someone else (version " + c.currentVersion() + ", you sent " + c.requestedVersion() + ").",
          new JsonObject()
              .put("appointment_id", String.valueOf(c.appointmentId()))
              .put("requested_version", c.requestedVersion())
              .put("current_version", c.currentVersion())
              .put("current_status", c.currentStatus())));
    }
    if (result instanceof MoveResult.InvalidTransition t) {
      return error(new ApiError(422, "invalid_transition",
          "Invalid transition from '" + t.from() + "' to '" + t.to() + "'",
          new JsonObject().put("from", t.from()).put("to", t.to()).put("allowed", new JsonArray(t.allowed()))));
    }
    if (result instanceof MoveResult.InvalidAnchor a) {
      return error(a.itself()
          ? new ApiError(422, "after_id_is_card", "A card cannot be placed after itself.",
              new JsonObject().put("after_id", String.valueOf(a.afterId())))
          : new ApiError(422, "after_id_not_in_column",
              "Appointment '" + a.afterId() + "' is not a card of this card's column ('" + a.status() + "') on its day.",
              new JsonObject().put("after_id", String.valueOf(a.afterId())).put("status", a.status())));
    }
    MoveResult.Replayed replayed = (MoveResult.Replayed) result;
    return new Answer(replayed.status(), new JsonObject(replayed.body()));
  }

  private static Answer error(ApiError error) {
    return new Answer(error.status(), error.body());
  }
}
