package com.edgarautoshop.moveapi.board;

import com.edgarautoshop.moveapi.appointment.Cards;
import com.edgarautoshop.moveapi.appointment.Workflow;
import com.edgarautoshop.moveapi.web.ApiError;
import com.edgarautoshop.moveapi.web.Requests;
import com.edgarautoshop.moveapi.web.Responses;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The board, the day's stats, the workflow table and the technicians' names. */
public final class BoardHandler {
  private final Vertx vertx;
  private final BoardRepository repository;
  private final ZoneId shopZone;
  private final JsonObject technicians;
  private final int maxCards;

  public BoardHandler(Vertx vertx, BoardRepository repository, ZoneId shopZone, Map<String, String> technicianNames, int maxCards) {
    this.vertx = vertx;
    this.repository = repository;
    this.shopZone = shopZone;
    this.maxCards = maxCards;
    JsonArray items = new JsonArray();
    technicianNames.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(tech -> items.add(new JsonObject().put("id", tech.getKey()).put("name", tech.getValue())));
    this.technicians = new JsonObject().put("items", items);
  }

  /*
   * With If-None-Match, the day's tag alone (one aggregate, no card read) decides on a 304. A
   * board of a thousand cards takes milliseconds of CPU to encode, and on the event loop every
   * move that arrived on that loop would wait for it; so the body is written on a worker
   * (unordered: boards need not wait for each other) straight from the rows, and only sent on the loop.
   */
  public void board(RoutingContext ctx) {
    LocalDate date = Requests.date(ctx, shopZone);
    OffsetDateTime from = dayStart(date);
    OffsetDateTime to = dayStart(date.plusDays(1));
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    Future<Boolean> unchanged = ifNoneMatch == null
        ? Future.succeededFuture(false)
        : repository.tag(from, to, maxCards + 1).map(tag -> tag.cards() <= maxCards && tag.matches(ifNoneMatch) && notModified(ctx, tag));
    unchanged
        .compose(sent -> sent ? Future.succeededFuture() : repository.cards(from, to, maxCards + 1).compose(rows -> {
          if (rows.size() > maxCards) {
            return Future.failedFuture(tooLarge());
          }
          BoardTag tag = BoardTag.of(rows, Cards::id, Cards::version);
          return vertx.executeBlocking(() -> Responses.okBody(json -> writeBoard(json, date, rows)), false)
              .compose(body -> {
                ctx.response().putHeader("ETag", tag.etag());
                return Responses.sendBody(ctx, 200, body);
              });
        }))
        .onFailure(failure -> Responses.fail(ctx, failure));
  }

  private static boolean notModified(RoutingContext ctx, BoardTag tag) {
    ctx.response().setStatusCode(304).putHeader("ETag", tag.etag()).end();
    return true;
  }

  private ApiError tooLarge() {
    return new ApiError(422, "board_too_large", "The day has more than " + maxCards + " cards, the most a board shows"
        + ". Use the day's stats (GET /api/admin/dashboard/stats).", new JsonObject().put("max_cards", maxCards));
  }

  /** The contract's board: date, the five columns in workflow order with their cards in board order, and the day's stats. */
  private static void writeBoard(JsonGenerator json, LocalDate date, RowSet<Row> rows) throws IOException {
    Map<String, List<Row>> byStatus = new LinkedHashMap<>();
    Workflow.STATUSES.forEach(status -> byStatus.put(status, new ArrayList<>()));
    for (Row row : rows) {
      byStatus.get(Cards.status(row)).add(row);
    }
    json.writeStartObject();
    json.writeStringField("date", date.toString());
    json.writeObjectFieldStart("columns");
    for (Map.Entry<String, List<Row>> column : byStatus.entrySet()) {
      json.writeObjectFieldStart(column.getKey());
      json.writeArrayFieldStart("items");
      for (Row row : column.getValue()) {
        Cards.write(json, row);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeFieldName("stats");
    JacksonCodec.encodeJson(dayStats(byStatus.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, column -> column.getValue().size()))), json);
    json.writeEndObject();
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
