package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.appointment.Workflow;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Concurrent moves on a set of cards through one or more instances of the service, every answer
 * recorded, then checked against the database ({@link #verify}): each answer is a contract answer,
 * every 200 is in the history, no refused request moved anything, a 504 or an unanswered request
 * either moved whole or not at all, and every card's {@code version − 1} equals its history rows.
 *
 * <p>Each request carries its own {@code X-Correlation-Id}, which the history records as
 * {@code request_id}: that is how a history row is traced back to the request that made it. Half
 * the moves carry an {@code Idempotency-Key}; such a move answered 504 or not at all is retried with
 * the same key and correlation id through the next instance, as the board page does, and a keyed
 * move answered 200 may be replayed through the next instance ({@link Options#replayAcross}).
 */
public final class MoveLoad implements AutoCloseable {
  /** One request and what came back; {@code status} 0 when no answer came ({@code failure} says why). */
  public record Answer(int instance, String card, String requestId, String key, String newStatus, int expectedVersion,
      boolean replayCheck, int status, String code, String retryAfter, String replayed, String body, long tookMs, String failure) {

    boolean answered() {
      return status != 0;
    }
  }

  /**
   * {@code workers} client threads; {@code hangAfter}: an answer later than this counts as a hang;
   * {@code replayAcross}: replay each keyed 200 through the next instance and expect the stored answer.
   */
  public record Options(int workers, Duration hangAfter, boolean replayAcross) {
    public static Options of(int workers) {
      return new Options(workers, Duration.ofSeconds(30), false);
    }

    public Options replayingAcrossInstances() {
      return new Options(workers, hangAfter, true);
    }

    public Options hangingAfter(Duration hangAfter) {
      return new Options(workers, hangAfter, replayAcross);
    }
  }

  /** What the service went through, which decides what an unanswered request may mean. */
  public enum Fault {
    /** The service stayed up: every request gets an answer. */
    NONE,
    /** The service drained and stopped: a request may go unanswered (refused, or on a connection closed when idle), but then it never moved anything. */
    DRAINED,
    /** The service was killed: an unanswered request may or may not have moved its card, but wholly if at all. */
    KILLED
  }

  private record Belief(String status, int version) {}

  /** Never the terminal completed, so cards keep moving however long the run. */
  private static final List<String> TARGETS = Workflow.STATUSES.stream().filter(s -> !s.equals("completed")).toList();

  private final List<Api> instances;
  private final List<String> cards;
  private final Options options;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient client;
  private final Map<String, Belief> beliefs = new ConcurrentHashMap<>();
  private final List<Answer> answers = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextRequest = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  private MoveLoad(List<Api> instances, List<String> cards, Options options) {
    this.instances = List.copyOf(instances);
    this.cards = List.copyOf(cards);
    this.options = options;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    cards.forEach(card -> beliefs.put(card, new Belief("scheduled", 1)));
  }

  /** Starts the workers on cards that are still {@code scheduled} at version 1 and moved by nobody else. */
  public static MoveLoad start(List<Api> instances, List<String> cards, Options options) {
    MoveLoad load = new MoveLoad(instances, cards, options);
    for (int w = 0; w < options.workers(); w++) {
      Thread worker = new Thread(load::work, "move-load-" + w);
      worker.setDaemon(true);
      load.threads.add(worker);
      worker.start();
    }
    return load;
  }

  /** How many answers so far match. */
  public long count(Predicate<Answer> which) {
    return answers.stream().filter(which).count();
  }

  /** Stops the workers (each finishes its request, bounded by {@code hangAfter}) and returns every answer. */
  public List<Answer> stop() throws InterruptedException {
    running = false;
    for (Thread worker : threads) {
      worker.join(options.hangAfter().toMillis() * 4 + 5000);
      if (worker.isAlive()) {
        throw new IllegalStateException(worker.getName() + " did not stop");
      }
    }
    return answers();
  }

  public List<Answer> answers() {
    return Collections.unmodifiableList(answers);
  }

  @Override
  public void close() throws InterruptedException {
    if (running) {
      stop();
    }
  }

  private void work() {
    int instance = ThreadLocalRandom.current().nextInt(instances.size());
    while (running) {
      String card = cards.get(ThreadLocalRandom.current().nextInt(cards.size()));
      Belief belief = beliefs.get(card);
      String target = target(belief.status());
      String requestId = "load-" + runId + "-" + nextRequest.incrementAndGet();
      String key = ThreadLocalRandom.current().nextBoolean() ? requestId : null;
      instance = (instance + 1) % instances.size();
      Answer answer = send(instance, card, requestId, key, target, belief.version(), false);
      // A keyed move whose outcome is unknown is retried with its key, as the board page does; the replay tells.
      for (int retry = 0; retry < 3 && key != null && running && unknown(answer); retry++) {
        pace();
        instance = (instance + 1) % instances.size();
        answer = send(instance, card, requestId, key, target, belief.version(), false);
      }
      if (options.replayAcross() && key != null && answer.status() == 200) {
        send((instance + 1) % instances.size(), card, requestId, key, target, belief.version(), true);
      }
      if (!answer.answered() || answer.status() >= 500) {
        pace();
      }
    }
  }

  private static boolean unknown(Answer answer) {
    return !answer.answered() || answer.status() == 504;
  }

  /** Pacing of the load while the service answers 5xx or not at all, so workers do not spin; not a wait for a condition. */
  private static void pace() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  /** Mostly an allowed move, now and then any other status (409 or 422). */
  private static String target(String from) {
    List<String> allowed = Workflow.allowedFrom(from).stream().filter(TARGETS::contains).toList();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return random.nextInt(10) == 0 ? TARGETS.get(random.nextInt(TARGETS.size())) : allowed.get(random.nextInt(allowed.size()));
  }

  private Answer send(int instance, String card, String requestId, String key, String target, int version, boolean replayCheck) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instances.get(instance).base() + "/api/admin/appointments/" + card + "/move"))
        .timeout(options.hangAfter())
        .header("Content-Type", "application/json")
        .header("X-Correlation-Id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("new_status", target).put("expected_version", version).encode()));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    long started = System.nanoTime();
    Answer answer;
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      String code = null;
      try {
        JsonObject body = new JsonObject(response.body());
        code = body.getJsonObject("error") == null ? null : body.getJsonObject("error").getString("code");
        learn(card, response.statusCode(), body);
      } catch (RuntimeException notJson) {
        code = "(not a JSON envelope)";
      }
      answer = new Answer(instance, card, requestId, key, target, version, replayCheck, response.statusCode(), code,
          response.headers().firstValue("Retry-After").orElse(null), response.headers().firstValue("Idempotent-Replayed").orElse(null),
          response.body(), tookMs, null);
    } catch (HttpTimeoutException hang) {
      answer = failed(instance, card, requestId, key, target, version, replayCheck, started, "hang: no answer within " + options.hangAfter());
    } catch (ConnectException refused) {
      answer = failed(instance, card, requestId, key, target, version, replayCheck, started, "refused");
    } catch (java.io.IOException lost) {
      answer = failed(instance, card, requestId, key, target, version, replayCheck, started, "connection lost: " + lost);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      answer = failed(instance, card, requestId, key, target, version, replayCheck, started, "interrupted");
    }
    answers.add(answer);
    return answer;
  }

  private static Answer failed(int instance, String card, String requestId, String key, String target, int version, boolean replayCheck,
      long started, String why) {
    return new Answer(instance, card, requestId, key, target, version, replayCheck, 0, null, null, null, null,
        (System.nanoTime() - started) / 1_000_000, why);
  }

  /** What the answer tells about the card: a 200's new version, or a 409's current one. */
  private void learn(String card, int status, JsonObject body) {
    Belief learned = null;
    if (status == 200) {
      JsonObject data = body.getJsonObject("data");
      learned = new Belief(data.getString("status"), data.getInteger("version"));
    } else if (status == 409 && "version_conflict".equals(body.getJsonObject("error").getString("code"))) {
      JsonObject error = body.getJsonObject("error");
      learned = new Belief(error.getString("current_status"), error.getInteger("current_version"));
    }
    if (learned != null) {
      Belief fresh = learned;
      beliefs.merge(card, fresh, (old, now) -> now.version() > old.version() ? now : old);
    }
  }

  /**
   * The verdict of a run; {@code problems} is empty when nothing was lost, duplicated, half-applied
   * or answered outside the contract.
   */
  public record Verdict(List<String> problems, Map<String, Integer> outcomes, int historyRows, int unknownApplied, int unknownNotApplied,
      long maxTookMs) {
    public String summary() {
      return "requests=" + outcomes.values().stream().mapToInt(Integer::intValue).sum() + " outcomes=" + outcomes
          + " history_rows=" + historyRows + " unknown_applied=" + unknownApplied + " unknown_not_applied=" + unknownNotApplied
          + " max_ms=" + maxTookMs + " problems=" + problems.size();
    }
  }

  /** Checks every answer, and reads every card's history and version through {@code reader} (a service that is up). */
  public Verdict verify(Api reader, Fault fault) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, String> moved = new ConcurrentHashMap<>();
    Map<String, String> unknown = new ConcurrentHashMap<>();
    Map<String, String> unchanged = new ConcurrentHashMap<>();
    Map<String, Answer> firstReplayed = new ConcurrentHashMap<>();
    long maxTookMs = 0;
    for (Answer a : answers) {
      maxTookMs = Math.max(maxTookMs, a.tookMs());
      outcomes.merge(a.answered() ? a.status() + (a.code() == null ? "" : " " + a.code()) : a.failure().split(":")[0], 1, Integer::sum);
      String contract = contractProblem(a, fault);
      if (contract != null) {
        problems.add(a.requestId() + " on instance " + a.instance() + ": " + contract);
      }
      if (a.status() == 200) {
        moved.put(a.requestId(), a.card());
        if (a.replayCheck()) {
          firstReplayed.put(a.requestId(), a);
        }
      } else if (!a.answered() || a.status() == 504 || "idempotency_key_in_use".equals(a.code())) {
        unknown.put(a.requestId(), a.card());
      } else {
        unchanged.put(a.requestId(), a.card());
      }
    }
    checkReplays(firstReplayed, problems);
    int historyRows = 0;
    int unknownApplied = 0;
    Map<String, JsonObject> rowOf = new TreeMap<>();
    for (String card : cards) {
      List<JsonObject> rows = reader.history(card);
      int version = reader.card(card).getInteger("version");
      historyRows += rows.size();
      if (version - 1 != rows.size()) {
        problems.add("card " + card + ": version " + version + " but " + rows.size() + " history rows");
      }
      Map<String, JsonObject> byRequest = new TreeMap<>();
      for (int i = 0; i < rows.size(); i++) {
        JsonObject row = rows.get(i);
        int expectedTo = version - i;
        if (row.getInteger("to_version") != expectedTo || row.getInteger("from_version") != expectedTo - 1) {
          problems.add("card " + card + ": history row " + row.encode() + " breaks the version chain");
        }
        String requestId = row.getString("request_id");
        rowOf.put(requestId, row);
        if (byRequest.put(requestId, row) != null) {
          problems.add("card " + card + ": request " + requestId + " moved it twice");
        }
        if (moved.containsKey(requestId)) {
          continue;
        }
        if (unknown.containsKey(requestId) && (fault == Fault.KILLED || answeredUnknown(requestId))) {
          unknownApplied++;
        } else {
          problems.add("card " + card + ": moved by " + requestId + ", which was answered "
              + (unchanged.containsKey(requestId) ? "with a refusal" : unknown.containsKey(requestId) ? "nothing" : "never (not this load's request)"));
        }
      }
      for (Map.Entry<String, String> m : moved.entrySet()) {
        if (m.getValue().equals(card) && !byRequest.containsKey(m.getKey())) {
          problems.add("card " + card + ": " + m.getKey() + " was answered 200 but is not in the history");
        }
      }
    }
    for (Answer a : answers) {
      if (a.status() == 200 && !a.replayCheck() && !"true".equals(a.replayed())) {
        int answeredVersion = new JsonObject(a.body()).getJsonObject("data").getInteger("version");
        JsonObject row = rowOf.get(a.requestId());
        if (row != null && row.getInteger("to_version") != answeredVersion) {
          problems.add(a.requestId() + ": answered version " + answeredVersion + ", history says " + row.getInteger("to_version"));
        }
      }
    }
    int unknownNotApplied = (int) unknown.keySet().stream().filter(id -> !moved.containsKey(id)).count() - unknownApplied;
    return new Verdict(problems, outcomes, historyRows, unknownApplied, unknownNotApplied, maxTookMs);
  }

  /** Whether some answer to this request was a 504 (rather than none at all). */
  private boolean answeredUnknown(String requestId) {
    return answers.stream().anyMatch(a -> a.requestId().equals(requestId) && a.status() == 504);
  }

  /** A keyed 200 replayed through another instance must come back as the stored answer, byte for byte. */
  private void checkReplays(Map<String, Answer> replays, List<String> problems) {
    for (Answer replay : replays.values()) {
      Answer original = answers.stream()
          .filter(a -> a.requestId().equals(replay.requestId()) && a.status() == 200 && !a.replayCheck()).findFirst().orElse(null);
      if (original == null) {
        continue;
      }
      if (!"true".equals(replay.replayed()) || !replay.body().equals(original.body())) {
        problems.add(replay.requestId() + ": replay through instance " + replay.instance() + " answered "
            + replay.status() + " replayed=" + replay.replayed() + " " + replay.body() + ", stored " + original.body());
      }
    }
    for (Answer a : answers) {
      if (a.replayCheck() && a.status() != 200) {
        problems.add(a.requestId() + ": replay through instance " + a.instance() + " answered " + a.status() + " " + a.body());
      }
    }
  }

  /** Null when the answer is one the contract allows for a move; else what is wrong with it. */
  private static String contractProblem(Answer a, Fault fault) {
    if (!a.answered()) {
      return fault == Fault.NONE || a.failure().startsWith("hang") ? "no answer: " + a.failure() : null;
    }
    String expectedCode = switch (a.status()) {
      case 200 -> null;
      case 409 -> "version_conflict|idempotency_key_in_use";
      case 422 -> "invalid_transition";
      case 503 -> "unavailable|deadlock";
      case 504 -> "outcome_unknown";
      default -> "";
    };
    if ("".equals(expectedCode)) {
      return "not a contract answer: " + a.status() + " " + a.body();
    }
    if (expectedCode == null ? a.code() != null : a.code() == null || !a.code().matches(expectedCode)) {
      return "wrong envelope for " + a.status() + ": " + a.body();
    }
    if (a.status() == 503 && a.retryAfter() == null) {
      return "503 without Retry-After";
    }
    return null;
  }
}
