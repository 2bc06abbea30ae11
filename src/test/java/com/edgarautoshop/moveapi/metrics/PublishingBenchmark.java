package com.edgarautoshop.moveapi.metrics;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.BlackHoleEndpoint;
import com.edgarautoshop.moveapi.testing.LocalCloudWatch;
import com.edgarautoshop.moveapi.testing.TestService;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Not a test: move throughput and p99 with CloudWatch publishing off, on, and on against an
 * endpoint that never answers ({@link BlackHoleEndpoint}), in one run. The services run side by
 * side on the same database and take turns, so warm-up and machine noise fall on all. Publishing
 * goes every second (60 times the default rate).
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * TEST_DATABASE_URL=postgresql://... java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *   com.edgarautoshop.moveapi.metrics.PublishingBenchmark [clients] [seconds per round] [rounds]
 * </pre>
 */
public final class PublishingBenchmark {
  private PublishingBenchmark() {}

  private record Round(int moves, double seconds, long[] latenciesNanos) {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    System.setProperty("aws.accessKeyId", "local-benchmark");
    System.setProperty("aws.secretAccessKey", "local-benchmark");
    try (LocalCloudWatch cloudWatch = new LocalCloudWatch();
        BlackHoleEndpoint blackHole = new BlackHoleEndpoint();
        TestService off = TestService.start(Map.of("DB_POOL_SIZE", "16"));
        TestService on = TestService.start(publishingTo(cloudWatch.endpoint()));
        TestService hanging = TestService.start(publishingTo(blackHole.endpoint()))) {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<TestService> services = List.of(off, on, hanging);
      // Warm-up (JIT, prepared statements, connections), not measured.
      for (int i = 0; i < 3; i++) {
        for (TestService service : services) {
          run(service.api(), clients, seconds, pool);
        }
      }
      List<List<Round>> measured = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (int i = 0; i < rounds; i++) {
        for (int s = 0; s < services.size(); s++) {
          measured.get(s).add(run(services.get(s).api(), clients, seconds, pool));
        }
      }
      pool.shutdown();
      System.out.printf("clients=%d, %d rounds of %d s each, alternating; CloudWatch received %d PutMetricData calls%n",
          clients, rounds, seconds, cloudWatch.actions().size());
      report("CloudWatch off    ", measured.get(0));
      report("CloudWatch on     ", measured.get(1));
      report("CloudWatch hanging", measured.get(2));
    }
  }

  private static Map<String, String> publishingTo(String endpoint) {
    return Map.of("DB_POOL_SIZE", "16", "CLOUDWATCH_ENABLED", "true", "CLOUDWATCH_ENDPOINT", endpoint,
        "AWS_REGION", "us-east-1", "CLOUDWATCH_STEP", "1");
  }

  /** Every client moves its own card back and forth, so all moves succeed and none waits on another's lock. */
  private static Round run(Api api, int clients, int seconds, ExecutorService pool) throws Exception {
    LocalDate date = Api.freshDate();
    List<String> cards = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      cards.add(api.createCard(date, 8).getString("id"));
    }
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    List<Future<long[]>> results = new ArrayList<>();
    for (String id : cards) {
      results.add(pool.submit(() -> {
        long[] latencies = new long[1 << 16];
        int n = 0;
        for (int version = 1; System.nanoTime() < end && n < latencies.length; version++) {
          long t0 = System.nanoTime();
          int status = api.move(id, version % 2 == 1 ? "in_progress" : "scheduled", version).status();
          latencies[n++] = System.nanoTime() - t0;
          if (status != 200) {
            throw new IllegalStateException("move answered " + status);
          }
        }
        return Arrays.copyOf(latencies, n);
      }));
    }
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> result : results) {
      all.add(result.get());
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Round(merged.length, elapsed, merged);
  }

  private static void report(String label, List<Round> rounds) {
    StringBuilder line = new StringBuilder(label).append(": ");
    for (Round round : rounds) {
      long[] sorted = round.latenciesNanos();
      double p99 = sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
      line.append(String.format("[%.0f moves/s, p99 %.1f ms] ", round.moves() / round.seconds(), p99));
    }
    long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.latenciesNanos())).sorted().toArray();
    double totalSeconds = rounds.stream().mapToDouble(Round::seconds).sum();
    line.append(String.format("| overall %.0f moves/s, p50 %.1f ms, p99 %.1f ms", all.length / totalSeconds,
        all[all.length / 2] / 1e6, all[(int) Math.ceil(all.length * 0.99) - 1] / 1e6));
    System.out.println(line);
  }
}
