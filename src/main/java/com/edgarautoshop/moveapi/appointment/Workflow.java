package com.edgarautoshop.moveapi.appointment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The statuses and allowed transitions: the one source for the move, the board and clients. */
public final class Workflow {
  public static final List<String> STATUSES = List.of("scheduled", "in_progress", "ready", "completed", "no_show");

  private static final Map<String, List<String>> TRANSITIONS = new LinkedHashMap<>();

  static {
    TRANSITIONS.put("scheduled", List.of("in_progress", "no_show"));
    TRANSITIONS.put("in_progress", List.of("ready", "completed", "scheduled"));
    TRANSITIONS.put("ready", List.of("completed", "in_progress"));
    TRANSITIONS.put("completed", List.of());
    TRANSITIONS.put("no_show", List.of("scheduled"));
  }

  /** The inverse of the transitions, computed once: every move asks for its target's sources. */
  private static final Map<String, List<String>> SOURCES = new LinkedHashMap<>();

  static {
    for (String target : STATUSES) {
      SOURCES.put(target, STATUSES.stream().filter(from -> TRANSITIONS.get(from).contains(target)).toList());
    }
  }

  private Workflow() {}

  public static boolean isStatus(String status) {
    return STATUSES.contains(status);
  }

  public static List<String> allowedFrom(String status) {
    return TRANSITIONS.getOrDefault(status, List.of());
  }

  /** The statuses a card may be in to move to {@code target}. */
  public static List<String> sourcesOf(String target) {
    return SOURCES.getOrDefault(target, List.of());
  }

  public static JsonObject toJson() {
    JsonObject transitions = new JsonObject();
    TRANSITIONS.forEach((from, to) -> transitions.put(from, new JsonArray(to)));
    return new JsonObject().put("statuses", new JsonArray(STATUSES)).put("transitions", transitions);
  }
}
