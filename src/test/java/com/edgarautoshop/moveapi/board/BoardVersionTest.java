package com.edgarautoshop.moveapi.board;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.TestService;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The board's ETag and 304, its bound, and its bytes: each card exactly as GET /appointments/{id} renders it. */
class BoardVersionTest {
  private static TestService service;
  private static Api api;

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("BOARD_MAX_CARDS", "4"));
    api = service.api();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  private static Reply board(LocalDate date, String... headers) {
    return api.get("/api/admin/appointments/board?date=" + date, headers);
  }

  private static String etag(LocalDate date) {
    Reply reply = board(date);
    assertThat(reply.status()).isEqualTo(200);
    return reply.header("ETag");
  }

  @Test
  void theCurrentEtagGets304WithoutABody() {
    LocalDate date = Api.freshDate();
    api.createCard(date, 9);
    String tag = etag(date);
    assertThat(tag).matches("\"[^\"]+\"");
    for (String ifNoneMatch : new String[] {tag, "W/" + tag, "\"other\", " + tag, "*"}) {
      Reply unchanged = board(date, "If-None-Match", ifNoneMatch);
      assertThat(unchanged.status()).as(ifNoneMatch).isEqualTo(304);
      assertThat(unchanged.raw().body()).isEmpty();
      assertThat(unchanged.header("ETag")).isEqualTo(tag);
    }
    assertThat(board(date, "If-None-Match", "\"other\"").status()).isEqualTo(200);
  }

  @Test
  void anyCreateMoveOrDeleteOfThatDayChangesTheEtagAndNothingElseDoes() {
    LocalDate date = Api.freshDate();
    String id = api.createCard(date, 9).getString("id");
    String before = etag(date);

    assertThat(api.move(id, "in_progress", 1).status()).isEqualTo(200);
    String afterMove = etag(date);
    assertThat(afterMove).isNotEqualTo(before);
    Reply stale = board(date, "If-None-Match", before);
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.data().getJsonObject("columns").getJsonObject("in_progress").getJsonArray("items")).hasSize(1);

    String created = api.createCard(date, 10).getString("id");
    String afterCreate = etag(date);
    assertThat(afterCreate).isNotEqualTo(afterMove).isNotEqualTo(before);

    assertThat(api.send(api.request("/api/admin/appointments/" + created).DELETE().build()).status()).isEqualTo(200);
    String afterDelete = etag(date);
    assertThat(afterDelete).isNotEqualTo(afterCreate);
    assertThat(afterDelete).as("the same cards at the same versions are the same board").isEqualTo(afterMove);

    // A move, a create and a delete of another day leave this board as it was.
    LocalDate other = Api.freshDate();
    String elsewhere = api.createCard(other, 9).getString("id");
    assertThat(api.move(elsewhere, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.send(api.request("/api/admin/appointments/" + elsewhere).DELETE().build()).status()).isEqualTo(200);
    assertThat(board(date, "If-None-Match", afterDelete).status()).isEqualTo(304);
  }

  @Test
  void aDayWithMoreCardsThanTheMaximumIs422WithTheMaximum() {
    LocalDate date = Api.freshDate();
    for (int hour = 8; hour < 12; hour++) {
      api.createCard(date, hour);
    }
    String tag = etag(date);
    api.createCard(date, 12);
    for (String[] headers : new String[][] {{}, {"If-None-Match", tag}}) {
      Reply tooLarge = board(date, headers);
      assertThat(tooLarge.status()).isEqualTo(422);
      assertThat(tooLarge.error().getString("code")).isEqualTo("board_too_large");
      assertThat(tooLarge.error().getInteger("max_cards")).isEqualTo(4);
      assertThat(tooLarge.header("ETag")).isNull();
    }
    assertThat(api.get("/api/admin/dashboard/stats?date=" + date).data().getInteger("jobsToday")).isEqualTo(5);
  }

  @Test
  void eachCardOfTheBoardIsByteForByteTheCardOfItsOwnRoute() {
    LocalDate date = Api.freshDate();
    JsonObject odd = new JsonObject()
        .put("appt_start", date + "T09:00:00.5Z").put("appt_end", date + "T10:00:00.123456Z")
        .put("customer", new JsonObject().put("name", "Zoë \"Q\" O'Brien \\ ✓ 🚗").put("phone", "555\t0100"))
        .put("vehicle", new JsonObject().put("make", "Citroën").put("model", "2CV\n(1972)"))
        .put("notes", "line one\nline two\r\n\u0001\u001f </script>").put("tech_id", "t-7")
        .put("total_amount", 9999999999.99).put("paid_amount", 0.1);
    String first = api.post("/api/admin/appointments", odd.encode()).data().getString("id");
    String second = api.createCard(date, 11).getString("id");
    assertThat(api.move(second, "in_progress", 1).status()).isEqualTo(200);
    assertThat(api.move(second, "completed", 2).status()).isEqualTo(200);

    String body = board(date).raw().body();
    for (String id : new String[] {first, second}) {
      String single = api.get("/api/admin/appointments/" + id).raw().body();
      String card = single.substring(single.indexOf("\"data\":") + 7, single.length() - 1);
      assertThat(body).as("card %s as the board writes it", id).contains(card);
    }
    assertThat(body).startsWith("{\"ok\":true,\"data\":{\"date\":\"" + date + "\",\"columns\":{\"scheduled\":{\"items\":[{\"id\":\"" + first + "\"");
    assertThat(body).endsWith("\"stats\":{\"jobsToday\":2,\"onPrem\":0,\"statusCounts\":{\"scheduled\":1,\"in_progress\":0,"
        + "\"ready\":0,\"completed\":1,\"no_show\":0}}}}");
  }
}
