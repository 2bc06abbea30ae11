package com.edgarautoshop.moveapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestPostgres;
import com.edgarautoshop.moveapi.testing.TestService;
import com.edgarautoshop.moveapi.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 14, fault "Fuzz": malformed, oversized, wrongly typed, deeply nested and unicode-laden
 * bodies, odd ids, query strings, headers, methods and raw bytes to every route. Every answer is
 * below 500, every 4xx is the contract's envelope, and the database is unchanged: the only card a
 * valid-looking move can reach is completed (terminal), every create body is broken on purpose,
 * and deletes only name ids no card has.
 *
 * <p>Tries per property: {@code jqwik.tries.default} in src/test/resources/junit-platform.properties
 * (fast enough for {@code mvn verify}); a longer run: {@code mvn -Dtest=FuzzTest -Djqwik.tries.default=5000 test}.
 */
class FuzzTest {
  private static final List<String> STATUSES = List.of("scheduled", "in_progress", "ready", "completed", "no_show");
  private static Vertx vertx;
  private static TestService open;
  private static TestService guarded;
  private static Tokens tokens;
  private static String completedCard;
  private static String snapshotBefore;

  @BeforeContainer
  static void start() throws Exception {
    open = TestService.start(Map.of("REQUEST_TIMEOUT", "2000"));
    vertx = Vertx.vertx();
    tokens = Tokens.create(vertx);
    guarded = TestService.start(tokens.env());
    Api api = open.api();
    completedCard = api.createCard(Api.freshDate(), 9).getString("id");
    assertThat(api.move(completedCard, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.move(completedCard, "completed", 2).status()).isEqualTo(200);
    snapshotBefore = snapshot();
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      assertThat(snapshot()).as("the database is unchanged by everything the fuzzer sent").isEqualTo(snapshotBefore);
    } finally {
      open.close();
      guarded.close();
      vertx.close().await();
    }
  }

  // ---- properties ----------------------------------------------------------------------------

  @Property
  void anyMoveBodyIsAnsweredWithAnEnvelope(@ForAll("moveBodies") String body, @ForAll("moveTargets") String id,
      @ForAll("contentTypes") String contentType, @ForAll("idempotencyKeys") String key) {
    HttpRequest.Builder request = open.api().request("/api/admin/appointments/" + id + "/move", "Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (!key.isEmpty()) {
      request.header("Idempotency-Key", key);
    }
    assertEnvelopeOrSuccess(open.api().send(request.build()), false);
  }

  @Property
  void anyBrokenCreateBodyIsA4xxEnvelope(@ForAll("brokenCreateBodies") String body, @ForAll("contentTypes") String contentType) {
    Reply reply = open.api().send(open.api().request("/api/admin/appointments", "Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertEnvelopeOrSuccess(reply, false);
    assertThat(reply.status()).isBetween(400, 499);
  }

  @Property
  void oddIdsQueriesMethodsAndHeadersOnEveryRoute(@ForAll("requests") HttpRequest request) {
    assertEnvelopeOrSuccess(open.api().send(request), !"DELETE".equals(request.method()) && !"POST".equals(request.method()));
  }

  @Property(tries = 300)
  void signedTokensWithOddClaimsAre401Or403NeverA500(@ForAll("claims") JsonObject claims) {
    Reply reply = guarded.api().get("/api/admin/workflow", "Authorization", tokens.signed(claims));
    assertEnvelopeOrSuccess(reply, true);
  }

  @Property(tries = 300)
  void rawBytesAreAnsweredBelow500(@ForAll("rawRequests") byte[] request) throws IOException {
    URI base = URI.create(open.api().base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      String response = readResponse(socket.getInputStream());
      String sent = new String(request, StandardCharsets.ISO_8859_1);
      if (sent.startsWith("HTTP/9.9\r\n", sent.indexOf("\r\n") - 8) && response.startsWith("HTTP/9.9 501 ")) {
        // Vert.x answers a well-formed request of a protocol version it does not implement itself, before any of the service's code.
        return;
      }
      assertThat(response).as("an answer to %s", sent).startsWith("HTTP/");
      int status = Integer.parseInt(response.substring(9, 12));
      assertThat(status).as(response).isLessThan(500);
      if (status >= 400) {
        assertEnvelope(response.substring(response.indexOf("\r\n\r\n") + 4));
      }
    }
  }

  // ---- generators ----------------------------------------------------------------------------

  /** Any text: NUL, unpaired surrogates, emoji, right-to-left marks, now and then long. */
  private static Arbitrary<String> text() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(2, Arbitraries.of("", " ", "\u0000", "a\u0000b", "\ud800", "\udfff x", "💥🚗", "\u202e\u0000", "null", "[]", "{}", "0", "-1")),
        Tuple.of(1, Arbitraries.strings().all().ofMinLength(200).ofMaxLength(5000)));
  }

  private static Arbitrary<Object> jsonValue(int depth) {
    Arbitrary<Object> scalar = Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.of(true, false),
        Arbitraries.integers(),
        Arbitraries.longs(),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
        Arbitraries.doubles(),
        Arbitraries.of(1.5, -0.0, 1e308, 2147483648.0, 1e-7),
        text());
    if (depth <= 0) {
      return scalar;
    }
    return Arbitraries.frequencyOf(
        Tuple.of(5, scalar),
        Tuple.of(1, jsonValue(depth - 1).list().ofMaxSize(4).map(JsonArray::new)),
        Tuple.of(1, Combinators.combine(Arbitraries.oneOf(text(), Arbitraries.of(FIELDS)), jsonValue(depth - 1))
            .as((k, v) -> (Object) new JsonObject().put(k, v)).list().ofMaxSize(4)
            .map(pairs -> pairs.stream().map(o -> (JsonObject) o).reduce(new JsonObject(), JsonObject::mergeIn))));
  }

  private static final String[] FIELDS = {"new_status", "expected_version", "position", "new_position", "appt_start", "appt_end",
      "customer_id", "customer", "vehicle_id", "vehicle", "notes", "total_amount", "paid_amount", "tech_id", "name", "phone",
      "email", "make", "model", "year", "vin", "license_plate", "status", "version"};

  /** Bodies that are not JSON objects at all: truncated, scalars, arrays, deep nesting, huge. */
  private static Arbitrary<String> notAnObject() {
    return Arbitraries.oneOf(
        text(),
        jsonValue(2).map(v -> new JsonArray().add(v).encode()),
        Arbitraries.integers().between(1, 20_000).map(n -> "[".repeat(n) + "]".repeat(n)),
        Arbitraries.integers().between(1, 20_000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
        Arbitraries.integers().between(16 * 1024 - 40, 40_000).map(n -> "{\"notes\":\"" + "x".repeat(n) + "\"}"),
        Arbitraries.of("{", "{\"new_status\":", "\ufeff{}", "{\"a\":1}garbage", "{'a':1}", "{\"a\":NaN}", "{\"a\":1e999999}",
            "{\"expected_version\":1" + "0".repeat(5000) + "}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}"));
  }

  @Provide
  Arbitrary<String> moveBodies() {
    Arbitrary<JsonObject> plausible = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.of(STATUSES), jsonValue(1)),
        Arbitraries.oneOf(Arbitraries.integers().between(-2, 5).map(i -> (Object) i), jsonValue(1)),
        Arbitraries.oneOf(Arbitraries.integers().between(-2, 5).map(i -> (Object) i), jsonValue(1)),
        Arbitraries.of("position", "new_position", "both", "none"))
        .as((status, version, position, positionKey) -> {
          JsonObject body = new JsonObject().put("new_status", status).put("expected_version", version);
          switch (positionKey) {
            case "position" -> body.put("position", position);
            case "new_position" -> body.put("new_position", position);
            case "both" -> body.put("position", position).put("new_position", position);
            default -> { }
          }
          return body;
        });
    return Arbitraries.frequencyOf(
        Tuple.of(4, plausible.map(JsonObject::encode)),
        Tuple.of(2, jsonValue(3).map(v -> v instanceof JsonObject o ? o.encode() : new JsonObject().put("new_status", v).encode())),
        Tuple.of(2, notAnObject()));
  }

  /** The completed card (a move there can only be refused), or an id no card has. */
  @Provide
  Arbitrary<String> moveTargets() {
    return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(completedCard)), Tuple.of(1, oddIds()));
  }

  /** Ids that name no card: not positive bigints, out of range, or far above any id a test creates. */
  private static Arbitrary<String> oddIds() {
    return Arbitraries.oneOf(
        text().filter(s -> !s.matches("[1-9][0-9]{0,16}")).map(FuzzTest::encode),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(17), BigInteger.TEN.pow(25)).map(BigInteger::toString),
        Arbitraries.of("0", "-1", "007", "1e3", "0x10", "9223372036854775807", "9223372036854775808", "%00", "..%2F..", "%2e%2e",
            "1%2F2", "%E2%80%AE1", "+1", "1.0", "%20"));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of("application/json", "application/json; charset=utf-8", "application/merge-patch+json")),
        Tuple.of(1, Arbitraries.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json",
            "application/json;;", ";")),
        Tuple.of(1, Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(30).filter(FuzzTest::sendableHeader)));
  }

  @Provide
  Arbitrary<String> idempotencyKeys() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just("")),
        Tuple.of(2, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(128)),
        Tuple.of(1, Arbitraries.strings().withCharRange(' ', '\u00ff').ofMinLength(1).ofMaxLength(300).filter(FuzzTest::sendableHeader)));
  }

  @Provide
  Arbitrary<String> brokenCreateBodies() {
    Arbitrary<JsonObject> valid = Arbitraries.integers().between(0, 22).map(hour -> new JsonObject()
        .put("appt_start", "2031-05-05T" + String.format("%02d", hour) + ":00:00Z")
        .put("appt_end", "2031-05-05T" + String.format("%02d", hour + 1) + ":00:00Z")
        .put("customer", new JsonObject().put("name", "Fuzz").put("phone", "555"))
        .put("vehicle", new JsonObject().put("make", "Mazda").put("model", "3").put("year", 2019))
        .put("notes", "n").put("tech_id", "t").put("total_amount", 10).put("paid_amount", 0));
    Arbitrary<String> field = Arbitraries.of("appt_start", "appt_end", "customer", "vehicle", "notes", "tech_id", "total_amount", "paid_amount");
    // Harmless noise first, then exactly one change that makes the body invalid, so no fuzzed create can succeed.
    Arbitrary<JsonObject> noisy = Combinators.combine(valid, Arbitraries.oneOf(text(), Arbitraries.of(FIELDS)), jsonValue(2))
        .as((body, key, value) -> FuzzTest.isServerOwnedOrUnknown(key) ? body.put(key, value) : body);
    return Combinators.combine(noisy, field, Arbitraries.integers().between(0, 8), text(), jsonValue(2))
        .as((body, target, breaking, anyText, anyValue) -> breakBody(body, target, breaking, anyText, anyValue).encode());
  }

  private static boolean isServerOwnedOrUnknown(String key) {
    return List.of("status", "version", "check_in_at", "id").contains(key) || !List.of(FIELDS).contains(key);
  }

  private static JsonObject breakBody(JsonObject body, String target, int breaking, String anyText, Object anyValue) {
    JsonObject customer = body.getJsonObject("customer");
    JsonObject vehicle = body.getJsonObject("vehicle");
    return switch (breaking) {
      case 0 -> {
        body.remove(List.of("appt_start", "appt_end", "customer", "vehicle").get(Math.floorMod(target.hashCode(), 4)));
        yield body;
      }
      case 1 -> body.put("appt_start", anyValue instanceof String s && s.matches("\\d{4}-.*") ? "x" + s : anyValue);
      case 2 -> body.put("appt_end", body.getString("appt_start"));
      case 3 -> {
        customer.put("name", anyText.contains("\u0000") || anyText.length() > 200 || anyText.isBlank() ? anyText : anyText + "\u0000");
        yield body;
      }
      case 4 -> body.put("notes", "\u0000" + anyText);
      case 5 -> body.put("total_amount", -1 - Math.abs(anyText.length()));
      case 6 -> {
        vehicle.put("year", 1800);
        yield body;
      }
      case 7 -> body.put("customer", anyValue instanceof JsonObject ? "not an object" : anyValue);
      default -> {
        body.remove("customer");
        yield body.put("customer_id", List.of("0", "abc", "-5", "1.5").get(Math.floorMod(target.hashCode(), 4)));
      }
    };
  }

  @Provide
  Arbitrary<HttpRequest> requests() {
    Arbitrary<String> query = Combinators.combine(
        Arbitraries.of("date", "limit", "cursor", "x", "date", "limit"), text().map(FuzzTest::encode)).as((k, v) -> k + "=" + v)
        .list().ofMaxSize(4).map(pairs -> String.join("&", pairs));
    // The stream is only ever asked for a date that cannot parse, so that it answers rather than streams.
    Arbitrary<String> path = Combinators.combine(Arbitraries.of(
            "/api/admin/appointments/%s", "/api/admin/appointments/%s/history", "/api/admin/appointments/board",
            "/api/admin/dashboard/stats", "/api/admin/workflow", "/healthz", "/readyz", "/api/admin/%s", "/%s",
            "/api/admin/appointments/%s/move", "/api/admin/appointments/%s/reorder", "/api/admin/appointments/stream?date=x%s"), oddIds())
        .as((template, id) -> template.formatted(id));
    Arbitrary<String> method = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("GET")),
        Tuple.of(2, Arbitraries.of("POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")),
        Tuple.of(1, Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!").ofMinLength(1).ofMaxLength(40)));
    Arbitrary<String> headerValue = Arbitraries.strings().withCharRange(' ', '\u00ff').ofMaxLength(200).filter(FuzzTest::sendableHeader);
    return Combinators.combine(method, path, query, Arbitraries.of("X-Correlation-Id", "X-Request-Id", "Idempotency-Key",
            "Content-Type", "Accept", "Authorization", "X-Forwarded-For", "Cookie"), headerValue, text())
        .as((m, p, q, header, value, body) -> open.api().request(q.isEmpty() ? p : p + (p.contains("?") ? "&" : "?") + q, header, value)
            .method(m, "GET".equals(m) || "HEAD".equals(m) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Provide
  Arbitrary<JsonObject> claims() {
    Arbitrary<Object> any = jsonValue(2);
    return Combinators.combine(
            Arbitraries.oneOf(any, Arbitraries.longs().between(0, 4_102_444_800L).map(l -> (Object) l)),
            Arbitraries.oneOf(any, Arbitraries.of("alice", "a".repeat(201)).map(s -> (Object) s)),
            Arbitraries.oneOf(any, Arbitraries.of("advisor", "admin").map(s -> (Object) s)),
            Arbitraries.oneOf(any, Arbitraries.just((Object) Tokens.AUDIENCE)),
            Arbitraries.oneOf(any, Arbitraries.just((Object) Tokens.ISSUER)),
            any)
        .as((exp, sub, roles, aud, iss, nbf) -> new JsonObject().put("exp", exp).put("sub", sub).put("roles", roles)
            .put("aud", aud).put("iss", iss).put("nbf", nbf));
  }

  @Provide
  Arbitrary<byte[]> rawRequests() {
    Arbitrary<String> method = Arbitraries.oneOf(Arbitraries.of("GET", "POST", "DELETE"),
        Arbitraries.strings().withChars("ABCXYZ!#$%&'*+.^_`|~-09").ofMinLength(1).ofMaxLength(5000));
    Arbitrary<String> target = Arbitraries.oneOf(Arbitraries.of("/healthz", "/api/admin/workflow", "/api/admin/appointments/1/move"),
        text().map(s -> "/" + s), Arbitraries.strings().withCharRange('!', '~').ofMaxLength(10_000).map(s -> "/" + s));
    Arbitrary<String> header = Combinators.combine(
            Arbitraries.oneOf(Arbitraries.of("X-Correlation-Id", "Idempotency-Key", "Content-Type", "Content-Length", "Host"),
                text()), text())
        .as((name, value) -> name + ": " + value);
    return Combinators.combine(method, target, header.list().ofMaxSize(5), Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/9.9", ""), text())
        .as((m, t, headers, version, body) -> (m + " " + t + " " + version + "\r\nHost: fuzz\r\nConnection: close\r\n"
            + String.join("\r\n", headers) + (headers.isEmpty() ? "" : "\r\n") + "\r\n" + body).getBytes(StandardCharsets.UTF_8));
  }

  // ---- checks --------------------------------------------------------------------------------

  /** Below 500; a 4xx is the contract's envelope; 2xx only where {@code successAllowed} (reads). */
  private static void assertEnvelopeOrSuccess(Reply reply, boolean successAllowed) {
    assertThat(reply.status()).as(reply.raw().request() + " → " + reply.raw().body()).isLessThan(500);
    if (reply.status() < 400) {
      assertThat(successAllowed).as("a write succeeded: " + reply.raw().request() + " → " + reply.raw().body()).isTrue();
      return;
    }
    if (!"HEAD".equals(reply.raw().request().method())) {
      assertEnvelope(reply.raw().body());
    }
  }

  private static void assertEnvelope(String body) {
    JsonObject envelope = new JsonObject(body);
    assertThat(envelope.getBoolean("ok")).isFalse();
    assertThat(envelope.getJsonObject("error").getString("code")).matches("[a-z]+(_[a-z]+)*");
    assertThat(envelope.getJsonObject("error").getString("message")).isNotBlank();
  }

  /** One response: its head, then as many body bytes as its content-length says (the fuzz may have turned keep-alive back on). */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int headEnd = -1;
    int bodyLength = 0;
    for (int b; (b = in.read()) >= 0; ) {
      all.write(b);
      String text = all.toString(StandardCharsets.ISO_8859_1);
      if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
        headEnd = text.length();
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text);
        bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
      }
      if (headEnd >= 0 && all.size() >= headEnd + bodyLength) {
        break;
      }
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** java.net.http refuses control characters in header values; raw sockets send those. */
  private static boolean sendableHeader(String value) {
    return value.chars().allMatch(c -> c == '\t' || (c >= ' ' && c != 0x7f && c <= 0xff)) && value.equals(value.strip());
  }

  /** Every table the API writes, as counts and a digest of the cards' state. */
  private static String snapshot() throws Exception {
    try (Connection conn = TestPostgres.jdbc(); Statement sql = conn.createStatement(); ResultSet rs = sql.executeQuery("""
        SELECT (SELECT count(*) FROM appointments) || '/' || (SELECT count(*) FROM customers) || '/'
            || (SELECT count(*) FROM vehicles) || '/' || (SELECT count(*) FROM appointment_moves) || '/'
            || (SELECT count(*) FROM idempotency_keys) || '/'
            || (SELECT md5(coalesce(string_agg(id || ':' || status || ':' || version || ':' || position, ',' ORDER BY id), ''))
                FROM appointments)
        """)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
