package com.edgarautoshop.moveapi.testing;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real SSE client of the board stream: events and comment lines are queued as they arrive. */
public final class EventStream implements AutoCloseable {
  public record Event(String type, JsonObject data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final HttpResponse<Stream<String>> response;
  private final CompletableFuture<Void> reader;

  private EventStream(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = CompletableFuture.runAsync(this::read);
  }

  /** Subscribes and returns once the response headers (sent at subscription) have arrived. */
  public static EventStream open(Api api, LocalDate date) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<Stream<String>> response = client.sendAsync(
        api.request("/api/admin/appointments/stream?date=" + date).GET().build(), HttpResponse.BodyHandlers.ofLines())
        .get(5, TimeUnit.SECONDS);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("stream answered " + response.statusCode());
    }
    return new EventStream(response);
  }

  public HttpResponse<Stream<String>> response() {
    return response;
  }

  /** The next event, or null when none arrives in time. */
  public Event next(Duration within) throws InterruptedException {
    return events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next comment line (without its colon), or null when none arrives in time. */
  public String nextComment(Duration within) throws InterruptedException {
    return comments.poll(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the server ended the stream within the given time. */
  public boolean ends(Duration within) throws Exception {
    try {
      reader.get(within.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException stillOpen) {
      return false;
    }
  }

  private void read() {
    String type = null;
    StringBuilder data = new StringBuilder();
    for (String line : (Iterable<String>) response.body()::iterator) {
      if (line.startsWith(":")) {
        comments.add(line.substring(1).trim());
      } else if (line.startsWith("event:")) {
        type = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        data.append(line.substring(5).trim());
      } else if (line.isEmpty() && type != null) {
        events.add(new Event(type, new JsonObject(data.toString())));
        type = null;
        data.setLength(0);
      }
    }
  }

  @Override
  public void close() {
    response.body().close();
    reader.cancel(true);
  }
}
