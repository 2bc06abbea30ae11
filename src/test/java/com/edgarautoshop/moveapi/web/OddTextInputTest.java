package com.edgarautoshop.moveapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 14.8: NUL (and half a UTF-16 pair) in every text field, query parameter, path and header is a 4xx envelope, never a 500. */
class OddTextInputTest extends ServiceTestBase {
  private static final String HALF_PAIR = "@half-pair@";

  private static JsonObject validCreate() {
    return new JsonObject()
        .put("appt_start", "2031-03-03T09:00:00Z").put("appt_end", "2031-03-03T10:00:00Z")
        .put("customer", new JsonObject().put("name", "N").put("phone", "5").put("email", "e@x"))
        .put("vehicle", new JsonObject().put("make", "M").put("model", "3").put("vin", "V").put("license_plate", "P"))
        .put("notes", "n").put("tech_id", "t");
  }

  @Test
  void nulOrAnUnpairedSurrogateInAnyCreateTextFieldIs400ForThatField() {
    int before = countCards();
    for (String field : List.of("customer.name", "customer.phone", "customer.email", "vehicle.make", "vehicle.model", "vehicle.vin",
        "vehicle.license_plate", "notes", "tech_id")) {
      // HALF_PAIR is sent as the JSON escape of U+D800: a Java string holding it would reach the wire as a question mark.
      for (String bad : List.of("a\u0000b", "\u0000", "x" + HALF_PAIR)) {
        JsonObject body = validCreate();
        String[] path = field.split("\\.");
        (path.length == 2 ? body.getJsonObject(path[0]) : body).put(path[path.length - 1], bad);
        Reply reply = api.post("/api/admin/appointments", body.encode().replace(HALF_PAIR, "\\ud800"));
        assertThat(reply.status()).as(field).isEqualTo(400);
        assertThat(reply.error().getString("code")).isEqualTo("validation_error");
        assertThat(reply.error().getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo(field);
      }
    }
    for (String field : List.of("appt_start", "customer_id", "vehicle_id")) {
      Reply reply = api.post("/api/admin/appointments", validCreate().put(field, "1\u0000").encode());
      assertThat(reply.status()).as(field).isEqualTo(400);
    }
    assertThat(countCards()).isEqualTo(before);
    assertThat(api.post("/api/admin/appointments", validCreate().encode()).status()).as("the control body is valid").isEqualTo(201);
  }

  @Test
  void nulInMoveFieldsQueriesAndPathsIsA4xx() {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    Reply move = api.post("/api/admin/appointments/" + id + "/move", new JsonObject().put("new_status", "ready\u0000").put("expected_version", 1).encode());
    assertThat(move.status()).isEqualTo(400);
    assertThat(api.get("/api/admin/appointments/board?date=2031-01-01%00").status()).isEqualTo(400);
    assertThat(api.get("/api/admin/dashboard/stats?date=%00").status()).isEqualTo(400);
    assertThat(api.get("/api/admin/appointments/" + id + "/history?cursor=1%00").status()).isEqualTo(400);
    assertThat(api.get("/api/admin/appointments/" + id + "/history?limit=%00").status()).isEqualTo(400);
    assertThat(api.get("/api/admin/appointments/" + id + "%00").status()).isEqualTo(404);
    assertThat(api.card(id).getInteger("version")).isEqualTo(1);
  }

  /** java.net.http refuses NUL in headers, so these go over a raw socket. */
  @Test
  void nulInHeadersIsA4xxEnvelope() throws IOException {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    for (String header : List.of("Idempotency-Key: k\u0000", "X-Correlation-Id: a\u0000b", "Authorization: Bearer \u0000", "Content-Type: application/json\u0000")) {
      String body = "{\"new_status\":\"in_progress\",\"expected_version\":1}";
      String response = raw("POST /api/admin/appointments/" + id + "/move HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          + "Content-Type: application/json\r\n" + header + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      int status = Integer.parseInt(response.substring(9, 12));
      assertThat(status).as(header + " → " + response).isBetween(400, 499);
      JsonObject envelope = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertThat(envelope.getBoolean("ok")).isFalse();
    }
    assertThat(api.card(id).getInteger("version")).isEqualTo(1);
  }

  private String raw(String request) throws IOException {
    URI base = URI.create(api.base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  private static int countCards() {
    return api.get("/api/admin/dashboard/stats?date=2031-03-03").data().getInteger("jobsToday");
  }
}
