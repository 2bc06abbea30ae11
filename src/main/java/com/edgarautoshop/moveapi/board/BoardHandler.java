package com.edgarautoshop.moveapi.board;

import com.edgarautoshop.moveapi.appointment.Cards;
import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The board, the day's stats, the workflow table and the technicians' names. */
public final class BoardHandler {
  private final Vertx vertx;
  private final BoardRepository repository;
  private final ZoneId shopZone;
  private final JsonObject technicians;

  public BoardHandler(Vertx vertx, BoardRepository repository, ZoneId shopZone, Map<String, String> technicianNames) {
    this.vertx = vertx;
    this.repository = repository;
    this.shopZone = shopZone;
    JsonArray items = new JsonArray();
    technicianNames.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(tech -> items.add(new JsonObject().put("id", tech.getKey()).put("name", tech.getValue())));
    this.technicians = new JsonObject().put("items", items);
  }

  /*
   * A board of a thousand cards takes milliseconds of CPU to render, and on the event loop every
   * move that arrived on that loop would wait for it. So the body is built and encoded on a worker
   * (unordered: boards need not wait for each other) and only written on the loop.
   */
  public void board(RoutingContext ctx) {
    LocalDate date = Requests.date(ctx, shopZone);
    repository.cards(dayStart(date), dayStart(date.plusDays(1)))
        .compose(rows -> vertx.executeBlocking(() -> Responses.okBody(boardData(date, rows)), false))
        .onSuccess(body -> Responses.sendBody(ctx, 200, body))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  private static JsonObject boardData(LocalDate date, RowSet<Row> rows) {
    JsonObject columns = new JsonObject();
    Map<String, Integer> counts = new HashMap<>();
    Workflow.STATUSES.forEach(status -> columns.put(status, new JsonObject().put("items", new JsonArray())));
    for (Row row : rows) {
      JsonObject card = Cards.toJson(row);
      String status = card.getString("status");
      columns.getJsonObject(status).getJsonArray("items").add(card);
      counts.merge(status, 1, Integer::sum);
    }
    return new JsonObject().put("date", date.toString()).put("columns", columns).put("stats", dayStats(counts));
  }

  public void stats(RoutingContext ctx) {
    LocalDate date = Requests.date(ctx, shopZone);
    repository.counts(dayStart(date), dayStart(date.plusDays(1)))
        .onSuccess(day -> Responses.ok(ctx, new JsonObject().put("date", date.toString())
            .mergeIn(dayStats(day.statusCounts()))
            .put("unpaidTotal", Cards.money(day.unpaidTotal()))))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  public void workflow(RoutingContext ctx) {
    Responses.ok(ctx, Workflow.toJson());
  }

  /** {@code tech_id} is a free identifier; the names the shop configured (TECHNICIANS) let the page show people, not ids. */
  public void technicians(RoutingContext ctx) {
    Responses.ok(ctx, technicians);
  }

  private static JsonObject dayStats(Map<String, Integer> counts) {
    JsonObject statusCounts = new JsonObject();
    Workflow.STATUSES.forEach(status -> statusCounts.put(status, counts.getOrDefault(status, 0)));
    int jobs = counts.values().stream().mapToInt(Integer::intValue).sum();
    int onPrem = List.of("in_progress", "ready").stream().mapToInt(s -> counts.getOrDefault(s, 0)).sum();
    return new JsonObject().put("jobsToday", jobs).put("onPrem", onPrem).put("statusCounts", statusCounts);
  }

  private OffsetDateTime dayStart(LocalDate date) {
    return date.atStartOfDay(shopZone).toOffsetDateTime();
  }
}
