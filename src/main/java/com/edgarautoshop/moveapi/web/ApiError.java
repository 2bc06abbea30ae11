package com.edgarautoshop.moveapi.web;

import io.vertx.core.json.JsonObject;

/** A contract error: HTTP status, snake_case code, a human sentence and optional extra fields. */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final JsonObject extra;

  public ApiError(int status, String code, String message, JsonObject extra) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }

  public ApiError(int status, String code, String message) {
    this(status, code, message, new JsonObject());
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "unavailable", message);
  }

  /** The write may or may not have happened: not a plain "retry" (a keyed retry gets its answer, or re-read the resource). */
  public static ApiError outcomeUnknown() {
    return new ApiError(504, "outcome_unknown", "The database did not answer in time; the change may or may not have been applied. "
        + "Retry with the same Idempotency-Key, or read the resource again.");
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject body() {
    return new JsonObject().put("ok", false)
        .put("error", new JsonObject().put("code", code).put("message", getMessage()).mergeIn(extra));
  }
}
