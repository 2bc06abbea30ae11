import com.edgarautoshop.moveapi.appointment.Workflow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's move statement (MoveRepository.MOVE_SQL, read from the jar) through Vert.x's two
 * pooled clients, alternately, as the service would send it: a Pool, which lends a connection per
 * query, so at most SIZE statements are in flight; and PgBuilder.client(), which pipelines
 * statements on each of its SIZE connections, with the service's pipelining limit (256) and with
 * just enough to spread IN_FLIGHT over SIZE connections. IN_FLIGHT chains each own one card and
 * move it back and forth (in_progress ↔ ready). Prints moves/s, this JVM's CPU per move and the
 * backends that ran moves (the statement also returns pg_backend_pid()), for each.
 *
 * Run: java -cp move-api.jar bench/PipeliningBench.java HOST PORT DATABASE USER FIRST_CARD IN_FLIGHT SIZE SECONDS ROUNDS
 * (the cards FIRST_CARD … FIRST_CARD + IN_FLIGHT - 1 must exist and be in_progress or ready; bench/pipelining.sh seeds them).
 */
public class PipeliningBench {
  public static void main(String[] args) throws Exception {
    PgConnectOptions connect = new PgConnectOptions().setHost(args[0]).setPort(Integer.parseInt(args[1])).setDatabase(args[2])
        .setUser(args[3]).setCachePreparedStatements(true).setPipeliningLimit(256);
    long firstCard = Long.parseLong(args[4]);
    int inFlight = Integer.parseInt(args[5]);
    int size = Integer.parseInt(args[6]);
    int seconds = Integer.parseInt(args[7]);
    int rounds = Integer.parseInt(args[8]);
    Field field = Class.forName("com.edgarautoshop.moveapi.move.MoveRepository").getDeclaredField("MOVE_SQL");
    field.setAccessible(true);
    String sql = (String) field.get(null);

    Vertx vertx = Vertx.vertx();
    PoolOptions pool = new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(-1);
    int spread = (inFlight + size - 1) / size;
    Map<String, SqlClient> clients = new LinkedHashMap<>();
    clients.put("Pool", PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build());
    clients.put("PgBuilder.client(), pipelining 256", PgBuilder.client().with(pool).connectingTo(connect).using(vertx).build());
    clients.put("PgBuilder.client(), pipelining " + spread,
        PgBuilder.client().with(pool).connectingTo(new PgConnectOptions(connect).setPipeliningLimit(spread)).using(vertx).build());
    System.out.printf("%d chains, %d connections, %d s per run%n%n", inFlight, size, seconds);
    System.out.println("| round | client | moves/s | JVM CPU ms per move | backends that moved |");
    System.out.println("|---:|---|---:|---:|---:|");
    for (int round = 1; round <= rounds; round++) {
      for (Map.Entry<String, SqlClient> client : clients.entrySet()) {
        long cpu = cpuNanos();
        Set<Integer> backends = ConcurrentHashMap.newKeySet();
        long moves = run(client.getValue(), sql, firstCard, inFlight, seconds, backends);
        System.out.printf("| %d | %s | %.1f | %.3f | %d |%n", round, client.getKey(), moves / (double) seconds,
            (cpuNanos() - cpu) / 1e6 / moves, backends.size());
      }
    }
    clients.values().forEach(SqlClient::close);
    vertx.close();
  }

  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long run(SqlClient client, String sql, long firstCard, int inFlight, int seconds, Set<Integer> backends) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong moves = new AtomicLong();
    CompletableFuture<?>[] chains = new CompletableFuture<?>[inFlight];
    for (int i = 0; i < inFlight; i++) {
      long card = firstCard + i;
      chains[i] = client.preparedQuery("SELECT version, status FROM appointments WHERE id = $1").execute(Tuple.of(card))
          .compose(rows -> chain(client, sql.replace("moved.*", "moved.*, pg_backend_pid() AS backend"), card, rows.iterator().next().getInteger("version"),
              rows.iterator().next().getString("status"), deadline, moves, backends))
          .toCompletionStage().toCompletableFuture();
    }
    CompletableFuture.allOf(chains).get();
    return moves.get();
  }

  /** Moves one card until the deadline, each move after the last one's answer. */
  static Future<Void> chain(SqlClient client, String sql, long card, int version, String status, long deadline, AtomicLong moves,
      Set<Integer> backends) {
    if (System.nanoTime() >= deadline) {
      return Future.succeededFuture();
    }
    String target = status.equals("in_progress") ? "ready" : "in_progress";
    Tuple params = Tuple.of(card, version, target, 0, Workflow.sourcesOf(target).toArray(new String[0]), "bench", "bench");
    return client.preparedQuery(sql).execute(params).compose(rows -> {
      Row row = rows.iterator().next();
      if (row.getInteger("version") == null) {
        return Future.failedFuture("card " + card + " did not move at version " + version);
      }
      moves.incrementAndGet();
      backends.add(row.getInteger("backend"));
      return chain(client, sql, card, row.getInteger("version"), row.getString("status"), deadline, moves, backends);
    });
  }
}
