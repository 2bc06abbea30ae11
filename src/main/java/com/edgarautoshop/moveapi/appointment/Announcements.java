package com.edgarautoshop.moveapi.appointment;

/**
 * How a write announces a changed card to live boards: a small NOTIFY ({"type", "id"}) on one
 * channel, sent inside the writer's transaction so PostgreSQL delivers it only on commit.
 */
public final class Announcements {
  public static final String CHANNEL = "appointment_events";

  private Announcements() {}

  /** The SQL expression that announces a change of the appointment whose id is {@code idExpression}. */
  public static String notify(String type, String idExpression) {
    return "pg_notify('" + CHANNEL + "', json_build_object('type', '" + type + "', 'id', " + idExpression + ")::text)";
  }
}
