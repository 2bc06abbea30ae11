import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The event-delivery check of bench/events.sh: one board-stream subscriber per instance (each
 * reconnecting with its Last-Event-ID whenever its stream ends), CONNECTIONS clients moving the
 * cards of DATE through every instance in turn for SECONDS, then a check against the event log
 * (the history table): every committed move reached every subscriber exactly once and in its
 * card's version order, or the subscriber was sent a resync at or after it; nothing uncommitted
 * was announced. Prints the figures, with two delivery lags (both on this machine's clock): from
 * the move's transaction start (its `at`, so including its own commit) and from the moment its
 * mover had the 200; exits 1 when a check fails.
 *
 * Run: java -cp move-api.jar bench/EventDelivery.java PORTS DATE SECONDS CONNECTIONS JDBC_URL
 * e.g. 18083,18084,18085 2031-03-01 60 64 'jdbc:postgresql://127.0.0.1:18093/db?user=postgres'
 */
public class EventDelivery {
  record Card(long id, int version, String status) {}

  record Received(String type, String eventId, long card, int version, double atMs) {}

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  static final long EPOCH_MS = System.currentTimeMillis();
  static final long EPOCH_NANOS = System.nanoTime();
  /** "card/version" → when its mover had the 200 (ms). */
  static final Map<String, Double> ANSWERED = new java.util.concurrent.ConcurrentHashMap<>();

  static double nowMs() {
    return EPOCH_MS + (System.nanoTime() - EPOCH_NANOS) / 1e6;
  }

  public static void main(String[] args) throws Exception {
    List<Integer> ports = List.of(args[0].split(",")).stream().map(Integer::valueOf).toList();
    String date = args[1];
    long seconds = Long.parseLong(args[2]);
    int connections = Integer.parseInt(args[3]);
    String jdbc = args[4];

    Map<Long, Card> start = new HashMap<>();
    JsonObject columns = new JsonObject(get(ports.get(0), "/api/admin/appointments/board?date=" + date).body())
        .getJsonObject("data").getJsonObject("columns");
    for (String status : columns.fieldNames()) {
      for (Object item : columns.getJsonObject(status).getJsonArray("items")) {
        JsonObject card = (JsonObject) item;
        start.put(Long.parseLong(card.getString("id")), new Card(Long.parseLong(card.getString("id")), card.getInteger("version"), status));
      }
    }
    List<Subscriber> subscribers = ports.stream().map(port -> new Subscriber(port, date)).toList();
    subscribers.forEach(Subscriber::start);
    for (Subscriber subscriber : subscribers) {
      subscriber.awaitSubscribed();
    }

    // Each client owns every CONNECTIONS-th card, so a card is never moved by two clients at once.
    List<Card> cards = new ArrayList<>(start.values());
    AtomicLong moved = new AtomicLong();
    AtomicLong conflicts = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> movers = new ArrayList<>();
    for (int client = 0; client < connections; client++) {
      List<Card> owned = new ArrayList<>();
      for (int i = client; i < cards.size(); i += connections) {
        owned.add(cards.get(i));
      }
      int first = client;
      Thread mover = new Thread(() -> move(owned, ports, first, deadline, moved, conflicts, failed));
      mover.start();
      movers.add(mover);
    }
    for (Thread mover : movers) {
      mover.join();
    }

    List<Map<String, Object>> committed = committedMoves(jdbc, start);
    Set<String> expected = committed.stream().map(m -> m.get("card") + "/" + m.get("version")).collect(Collectors.toSet());
    long catchUp = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < catchUp && !subscribers.stream().allMatch(s -> s.seen(expected))) {
      Thread.sleep(200);
    }

    boolean ok = true;
    List<Double> lags = new ArrayList<>();
    List<Double> afterAnswer = new ArrayList<>();
    System.out.printf("moves: ok=%d conflict=%d failed_or_unknown=%d committed_in_log=%d in %d s over %d instances%n",
        moved.get(), conflicts.get(), failed.get(), committed.size(), seconds, ports.size());
    for (Subscriber subscriber : subscribers) {
      ok &= subscriber.check(committed, start, lags, afterAnswer);
    }
    printLags("delivery lag ms from the move's transaction start", lags);
    printLags("delivery lag ms from the mover's 200 (negative: the event came first)", afterAnswer);
    System.out.println(ok ? "RESULT: every committed move reached every subscriber once, in version order, or was covered by a resync"
        : "RESULT: FAILED");
    System.exit(ok ? 0 : 1);
  }

  static void printLags(String what, List<Double> lags) {
    if (!lags.isEmpty()) {
      Collections.sort(lags);
      System.out.printf("%s: n=%d p50=%.1f p95=%.1f p99=%.1f max=%.1f%n", what, lags.size(), percentile(lags, 0.50),
          percentile(lags, 0.95), percentile(lags, 0.99), lags.get(lags.size() - 1));
    }
  }

  static double percentile(List<Double> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
  }

  /** Moves the owned cards in turn, through the instances in turn, until the deadline; a card whose answer was lost is read again first. */
  static void move(List<Card> owned, List<Integer> ports, int first, long deadline, AtomicLong moved, AtomicLong conflicts, AtomicLong failed) {
    Map<Long, Card> state = new HashMap<>();
    owned.forEach(card -> state.put(card.id(), card));
    Set<Long> unknown = new HashSet<>();
    int turn = first;
    while (System.nanoTime() < deadline && !owned.isEmpty()) {
      for (Card known : owned) {
        if (System.nanoTime() >= deadline) {
          return;
        }
        int port = ports.get(turn++ % ports.size());
        long id = known.id();
        try {
          if (unknown.contains(id)) {
            HttpResponse<String> card = get(port, "/api/admin/appointments/" + id);
            if (card.statusCode() != 200) {
              continue;
            }
            JsonObject data = new JsonObject(card.body()).getJsonObject("data");
            state.put(id, new Card(id, data.getInteger("version"), data.getString("status")));
            unknown.remove(id);
          }
          Card card = state.get(id);
          String target = card.status().equals("in_progress") ? "ready" : "in_progress";
          HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/appointments/" + id + "/move"))
              .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("new_status", target).put("expected_version", card.version()).encode()))
              .build(), HttpResponse.BodyHandlers.ofString());
          JsonObject body = new JsonObject(answer.body());
          if (answer.statusCode() == 200) {
            moved.incrementAndGet();
            ANSWERED.put(id + "/" + body.getJsonObject("data").getInteger("version"), nowMs());
            state.put(id, new Card(id, body.getJsonObject("data").getInteger("version"), body.getJsonObject("data").getString("status")));
          } else if (answer.statusCode() == 409) {
            conflicts.incrementAndGet();
            JsonObject error = body.getJsonObject("error");
            state.put(id, new Card(id, error.getInteger("current_version"), error.getString("current_status")));
          } else {
            // 503 and the like: the move may or may not have committed.
            failed.incrementAndGet();
            unknown.add(id);
          }
        } catch (IOException | RuntimeException ex) {
          failed.incrementAndGet();
          unknown.add(id);
        } catch (InterruptedException ex) {
          return;
        }
      }
    }
  }

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The moves committed after the run started: card, version, the event's cursor and its transaction's start (ms). */
  static List<Map<String, Object>> committedMoves(String jdbc, Map<Long, Card> start) throws Exception {
    List<Map<String, Object>> moves = new ArrayList<>();
    try (Connection conn = DriverManager.getConnection(jdbc); Statement sql = conn.createStatement();
         ResultSet rs = sql.executeQuery("SELECT appointment_id, to_version, txid::text, id, extract(epoch FROM at) * 1000"
             + " FROM appointment_moves WHERE kind = 'moved' AND appointment_id IN ("
             + start.keySet().stream().map(String::valueOf).collect(Collectors.joining(",")) + ") ORDER BY txid, id")) {
      while (rs.next()) {
        long card = rs.getLong(1);
        int version = rs.getInt(2);
        if (version > start.get(card).version()) {
          moves.add(Map.of("card", card, "version", version, "cursor", rs.getString(3) + "-" + rs.getLong(4), "at", rs.getDouble(5)));
        }
      }
    }
    return moves;
  }

  static int compareCursors(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    int byTxid = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
    return byTxid != 0 ? byTxid : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
  }

  /** A board stream of one instance that reconnects with its Last-Event-ID whenever it ends. */
  static final class Subscriber extends Thread {
    final int port;
    final String date;
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    volatile boolean subscribed;
    volatile int connects;
    String lastEventId;

    Subscriber(int port, String date) {
      this.port = port;
      this.date = date;
      setDaemon(true);
    }

    void awaitSubscribed() throws InterruptedException {
      while (!subscribed) {
        Thread.sleep(20);
      }
    }

    @Override
    public void run() {
      while (true) {
        try {
          HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/appointments/stream?date=" + date));
          if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
          }
          HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
          connects++;
          if (response.statusCode() == 200) {
            read(response.body().iterator());
          }
        } catch (IOException | RuntimeException lost) {
          // reconnect below
        } catch (InterruptedException ex) {
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ex) {
          return;
        }
      }
    }

    private void read(java.util.Iterator<String> lines) {
      String id = null;
      String type = null;
      StringBuilder data = new StringBuilder();
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith(": subscribed")) {
          subscribed = true;
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        } else if (line.isEmpty() && type != null) {
          double at = nowMs();
          JsonObject body = new JsonObject(data.toString());
          boolean card = type.startsWith("appointment.") && body.containsKey("version");
          received.add(new Received(type, id, card ? Long.parseLong(body.getString("id")) : 0, card ? body.getInteger("version") : 0, at));
          if (id != null) {
            lastEventId = id;
          }
          id = null;
          type = null;
          data.setLength(0);
        }
      }
    }

    boolean seen(Set<String> expected) {
      Set<String> got;
      synchronized (received) {
        got = received.stream().filter(r -> r.type().equals("appointment.moved")).map(r -> r.card() + "/" + r.version()).collect(Collectors.toSet());
      }
      return got.containsAll(expected);
    }

    boolean check(List<Map<String, Object>> committed, Map<Long, Card> start, List<Double> lags, List<Double> afterAnswer) {
      List<Received> events;
      synchronized (received) {
        events = new ArrayList<>(received);
      }
      Map<String, Map<String, Object>> byKey = new HashMap<>();
      committed.forEach(m -> byKey.put(m.get("card") + "/" + m.get("version"), m));
      Map<String, Integer> times = new HashMap<>();
      Map<Long, Integer> lastVersion = new HashMap<>();
      int outOfOrder = 0;
      int phantom = 0;
      List<String> resyncs = new ArrayList<>();
      for (Received event : events) {
        if (event.type().equals("resync")) {
          resyncs.add(event.eventId());
        }
        if (!event.type().equals("appointment.moved")) {
          continue;
        }
        String key = event.card() + "/" + event.version();
        Map<String, Object> move = byKey.get(key);
        if (move == null) {
          // A move from before the run (a stream may start a little before it opens), or one that never committed.
          Card before = start.get(event.card());
          if (before != null && event.version() > before.version()) {
            phantom++;
          }
          continue;
        }
        times.merge(key, 1, Integer::sum);
        if (event.version() <= lastVersion.getOrDefault(event.card(), 0)) {
          outOfOrder++;
        }
        lastVersion.merge(event.card(), event.version(), Math::max);
        lags.add(event.atMs() - (double) move.get("at"));
        Double answered = ANSWERED.get(key);
        if (answered != null) {
          afterAnswer.add(event.atMs() - answered);
        }
      }
      long duplicates = times.values().stream().filter(n -> n > 1).count();
      String lastResync = resyncs.stream().filter(r -> r != null).max(EventDelivery::compareCursors).orElse(null);
      long missing = 0;
      long coveredByResync = 0;
      for (Map<String, Object> move : committed) {
        if (!times.containsKey(move.get("card") + "/" + move.get("version"))) {
          if (lastResync != null && compareCursors((String) move.get("cursor"), lastResync) <= 0) {
            coveredByResync++;
          } else {
            missing++;
          }
        }
      }
      boolean ok = missing == 0 && duplicates == 0 && outOfOrder == 0 && phantom == 0;
      System.out.printf("subscriber :%d: %s connects=%d moved_events=%d missing=%d covered_by_resync=%d duplicates=%d out_of_order=%d"
          + " not_in_log=%d resyncs=%d%n", port, ok ? "OK" : "FAILED", connects, times.size(), missing, coveredByResync, duplicates,
          outOfOrder, phantom, resyncs.size());
      return ok;
    }
  }
}
