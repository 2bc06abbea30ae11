package com.edgarautoshop.moveapi.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.config.AppConfig;
import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.TcpProxy;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.pgclient.PgConnectOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * DB_PREPARED_STATEMENT_CACHE=false, for a transaction-pooling proxy such as RDS Proxy: the client
 * must leave no named statement on the session. Checked on the wire: a proxy in front of
 * PostgreSQL records what the service sends, and every Parse message must name no statement.
 */
class PreparedStatementCacheTest {
  private static final int PROTOCOL_3 = 196_608;

  @Test
  void theSettingReachesTheConnectOptions() {
    DatabaseUrl db = TestPostgres.url();
    PgConnectOptions cached = PostgresPool.connectOptions(config(Map.of()), db);
    assertThat(cached.getCachePreparedStatements()).isTrue();
    assertThat(cached.getUseLayer7Proxy()).isFalse();
    PgConnectOptions uncached = PostgresPool.connectOptions(config(Map.of("DB_PREPARED_STATEMENT_CACHE", "false")), db);
    assertThat(uncached.getCachePreparedStatements()).isFalse();
    assertThat(uncached.getUseLayer7Proxy()).isTrue();
  }

  @Test
  void withTheCacheOffACardMovesAndNoStatementIsNamed() throws Exception {
    List<String> statementNames = movesThroughARecordingProxy("false");
    assertThat(statementNames).as("Parse messages sent").isNotEmpty().containsOnly("");
  }

  @Test
  void withTheCacheOnTheStatementsAreNamedAndKept() throws Exception {
    List<String> statementNames = movesThroughARecordingProxy("true");
    assertThat(statementNames).as("Parse messages sent").isNotEmpty().allMatch(name -> !name.isEmpty());
  }

  /** Moves one card four times (one of them stale) through the proxy; returns every Parse's statement name. */
  private static List<String> movesThroughARecordingProxy(String cache) throws Exception {
    List<ByteArrayOutputStream> connections = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = new TcpProxy(() -> {
      ByteArrayOutputStream sent = new ByteArrayOutputStream();
      connections.add(sent);
      return sent;
    })) {
      try (TestService service = TestService.start(proxy.url(), Map.of("DB_PREPARED_STATEMENT_CACHE", cache))) {
        Api api = service.api();
        String id = api.createCard(Api.freshDate(), 9).getString("id");
        assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
        assertThat(api.move(id, "ready", 2).status()).isEqualTo(200);
        assertThat(api.move(id, "completed", 2).status()).as("stale version").isEqualTo(409);
        assertThat(api.move(id, "completed", 3, "Idempotency-Key", "cache-" + cache + "-" + id).status()).isEqualTo(200);
        assertThat(api.card(id).getInteger("version")).isEqualTo(4);
        assertThat(api.historyCount(id)).isEqualTo(3);
      }
    }
    List<String> names = new ArrayList<>();
    for (ByteArrayOutputStream sent : connections) {
      names.addAll(parseStatementNames(sent.toByteArray()));
    }
    return names;
  }

  /** The statement name of each Parse ('P') message in one connection's frontend stream (protocol 3). */
  private static List<String> parseStatementNames(byte[] stream) {
    ByteBuffer in = ByteBuffer.wrap(stream);
    List<String> names = new ArrayList<>();
    if (in.remaining() < 8) {
      return names;
    }
    int startupLength = in.getInt(0);
    if (in.getInt(4) != PROTOCOL_3) {
      return names; // a cancel request, not a session
    }
    in.position(startupLength);
    while (in.remaining() >= 5) {
      byte type = in.get();
      int length = in.getInt();
      if (in.remaining() < length - 4) {
        break; // the last message was still in flight when the proxy closed
      }
      int body = in.position();
      if (type == 'P') {
        int end = body;
        while (stream[end] != 0) {
          end++;
        }
        names.add(new String(stream, body, end - body, StandardCharsets.UTF_8));
      }
      in.position(body + length - 4);
    }
    return names;
  }

  private static AppConfig config(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("DATABASE_URL", "postgresql://u@h/d", "AUTH_MODE", "none"));
    env.putAll(extra);
    return AppConfig.from(env);
  }
}
