package com.edgarautoshop.moveapi.testing;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real SSE client of the board stream: events (with their ids) and comment lines are queued as they arrive. */
public final class EventStream implements AutoCloseable {
  public record Event(String id, String type, JsonObject data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final HttpResponse<Stream<String>> response;
  private final CompletableFuture<Void> reader;

  private EventStream(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = CompletableFuture.runAsync(this::read);
  }

  /** Subscribes (headers as name, value pairs, e.g. Last-Event-ID) and returns once the response headers have arrived. */
  public static EventStream open(Api api, LocalDate date, String... headers) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<Stream<String>> response = client.sendAsync(
        api.request("/api/admin/appointments/stream?date=" + date, headers).GET().build(), HttpResponse.BodyHandlers.ofLines())
        .get(10, TimeUnit.SECONDS);
    if (response.statusCode() != 200) {
      response.body().close();
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

  /** The next {@code count} events; fails when they do not all arrive in time. */
  public List<Event> next(int count, Duration within) throws InterruptedException {
    List<Event> received = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (received.size() < count) {
      Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError("got " + received.size() + " of " + count + " events in " + within + ": " + received);
      }
      received.add(event);
    }
    return received;
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
    String id = null;
    String type = null;
    StringBuilder data = new StringBuilder();
    for (String line : (Iterable<String>) response.body()::iterator) {
      if (line.startsWith(":")) {
        comments.add(line.substring(1).trim());
      } else if (line.startsWith("id:")) {
        id = line.substring(3).trim();
      } else if (line.startsWith("event:")) {
        type = line.substring(6).trim();
      } else if (line.startsWith("data:")) {
        data.append(line.substring(5).trim());
      } else if (line.isEmpty() && type != null) {
        events.add(new Event(id, type, new JsonObject(data.toString())));
        id = null;
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
