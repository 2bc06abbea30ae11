package com.edgarautoshop.moveapi.testing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Real HTTP to the service, with helpers that create cards on a date of their own. */
public final class Api {
  // A random base per run keeps reruns against a long-lived database off each other's dates.
  private static final AtomicInteger NEXT_DAY = new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(300_000));
  private final String base;
  private final String metricsBase;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  public Api(String base, String metricsBase) {
    this.base = base;
    this.metricsBase = metricsBase;
  }

  public record Reply(int status, HttpResponse<String> raw) {
    public JsonObject json() {
      return new JsonObject(raw.body());
    }

    public JsonObject data() {
      return json().getJsonObject("data");
    }

    public JsonObject error() {
      return json().getJsonObject("error");
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  public String base() {
    return base;
  }

  public Reply get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  public Reply post(String path, String body, String... headers) {
    return send(request(path, withJson(headers)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Reply move(String id, String newStatus, int expectedVersion, String... headers) {
    return post("/api/admin/appointments/" + id + "/move",
        new JsonObject().put("new_status", newStatus).put("expected_version", expectedVersion).encode(), headers);
  }

  /** Places the card right after {@code afterId} in its column ({@code null}: first). */
  public Reply reorder(String id, int expectedVersion, String afterId, String... headers) {
    return post("/api/admin/appointments/" + id + "/reorder",
        new JsonObject().put("expected_version", expectedVersion).put("after_id", afterId).encode(), headers);
  }

  /** The ids of one column of a day's board, in board order. */
  public List<String> column(LocalDate date, String status) {
    List<String> ids = new ArrayList<>();
    get("/api/admin/appointments/board?date=" + date).data().getJsonObject("columns").getJsonObject(status).getJsonArray("items")
        .forEach(card -> ids.add(((JsonObject) card).getString("id")));
    return ids;
  }

  public HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder;
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** A date used by no other test, so boards and counts are the test's own. */
  public static LocalDate freshDate() {
    return LocalDate.of(2031, 1, 1).plusDays(NEXT_DAY.incrementAndGet());
  }

  public JsonObject createCard(LocalDate date, int hour, String... headers) {
    JsonObject body = new JsonObject()
        .put("appt_start", date + "T" + String.format("%02d", hour) + ":00:00Z")
        .put("appt_end", date + "T" + String.format("%02d", hour + 1) + ":00:00Z")
        .put("customer", new JsonObject().put("name", "Test Customer").put("phone", "555-0000"))
        .put("vehicle", new JsonObject().put("make", "Mazda").put("model", "3").put("year", 2019))
        .put("total_amount", 150.5).put("paid_amount", 50);
    Reply reply = post("/api/admin/appointments", body.encode(), headers);
    if (reply.status() != 201) {
      throw new IllegalStateException("create failed: " + reply.status() + " " + reply.raw().body());
    }
    return reply.data();
  }

  /** Every history row of the card, newest first, following the pages. */
  public List<JsonObject> history(String id) {
    List<JsonObject> rows = new ArrayList<>();
    String cursor = null;
    do {
      Reply reply = get("/api/admin/appointments/" + id + "/history?limit=200" + (cursor == null ? "" : "&cursor=" + cursor));
      if (reply.status() != 200) {
        throw new IllegalStateException("history of " + id + " answered " + reply.status() + " " + reply.raw().body());
      }
      JsonObject page = reply.data();
      page.getJsonArray("items").forEach(row -> rows.add((JsonObject) row));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return rows;
  }

  public int historyCount(String id) {
    return history(id).size();
  }

  /** GET /metrics on the metrics port. */
  public Reply scrape() {
    return send(HttpRequest.newBuilder(URI.create(metricsBase + "/metrics")).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /** The value of one series in the GET /metrics scrape: its name and labels as the scrape writes them. */
  public double metric(String series) {
    for (String line : scrape().raw().body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new IllegalStateException("no series " + series + " in the scrape");
  }

  public JsonObject card(String id) {
    return get("/api/admin/appointments/" + id).data();
  }

  private static String[] withJson(String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i].equalsIgnoreCase("Content-Type")) {
        return headers;
      }
    }
    String[] all = new String[headers.length + 2];
    System.arraycopy(headers, 0, all, 0, headers.length);
    all[headers.length] = "Content-Type";
    all[headers.length + 1] = "application/json";
    return all;
  }
}
