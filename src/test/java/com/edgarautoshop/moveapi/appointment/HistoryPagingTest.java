package com.edgarautoshop.moveapi.appointment;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GET …/history pages with ?limit= and ?cursor=, newest first; the first page keeps the v1 shape. */
class HistoryPagingTest extends ServiceTestBase {

  private static String movedCard(int moves) {
    String id = api.createCard(Api.freshDate(), 9).getString("id");
    for (int version = 1; version <= moves; version++) {
      assertThat(api.move(id, version % 2 == 1 ? "in_progress" : "scheduled", version).status()).isEqualTo(200);
    }
    return id;
  }

  @Test
  void pagesFollowTheCursorNewestFirstUntilANullCursor() {
    String id = movedCard(7);
    JsonObject all = api.get("/api/admin/appointments/" + id + "/history").data();
    assertThat(all.fieldNames()).containsExactlyInAnyOrder("items", "next_cursor");
    assertThat(all.getValue("next_cursor")).isNull();
    assertThat(all.getJsonArray("items")).hasSize(7);

    List<Object> paged = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get("/api/admin/appointments/" + id + "/history?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)).data();
      pageSizes.add(page.getJsonArray("items").size());
      paged.addAll(page.getJsonArray("items").getList());
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertThat(pageSizes).containsExactly(3, 3, 1);
    assertThat(new JsonArray(paged)).isEqualTo(all.getJsonArray("items"));
    assertThat(all.getJsonArray("items").stream().map(row -> ((JsonObject) row).getInteger("to_version")).toList())
        .containsExactly(8, 7, 6, 5, 4, 3, 2);
  }

  @Test
  void theDefaultPageIs50AndTheLimitAtMost200() {
    String id = movedCard(51);
    JsonObject first = api.get("/api/admin/appointments/" + id + "/history").data();
    assertThat(first.getJsonArray("items")).hasSize(50);
    JsonObject rest = api.get("/api/admin/appointments/" + id + "/history?cursor=" + first.getString("next_cursor")).data();
    assertThat(rest.getJsonArray("items")).hasSize(1);
    assertThat(rest.getValue("next_cursor")).isNull();
    assertThat(api.get("/api/admin/appointments/" + id + "/history?limit=200").data().getJsonArray("items")).hasSize(51);
  }

  @Test
  void badLimitsAndCursorsAre400AndUnknownCardsAre404() {
    String id = movedCard(1);
    for (String query : List.of("limit=0", "limit=201", "limit=abc", "limit=-1", "limit=1e2", "limit=", "cursor=0", "cursor=abc",
        "cursor=99999999999999999999", "cursor=%00")) {
      Reply reply = api.get("/api/admin/appointments/" + id + "/history?" + query);
      assertThat(reply.status()).as(query).isEqualTo(400);
      assertThat(reply.error().getString("code")).isEqualTo("validation_error");
    }
    assertThat(api.get("/api/admin/appointments/987654321/history?limit=5").status()).isEqualTo(404);
  }
}
