package com.edgarautoshop.moveapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.Api.Reply;
import com.edgarautoshop.moveapi.testing.ServiceTestBase;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every response, the page's files, the API, errors and the stream, carries the browser security headers. */
class SecurityHeadersTest extends ServiceTestBase {

  @Test
  void everyKindOfResponseCarriesCspAndReferrerPolicy() {
    List<Reply> replies = List.of(
        api.get("/"),
        api.get("/board.js"),
        api.get("/favicon.svg"),
        api.get("/healthz"),
        api.get("/api/admin/workflow"),
        api.get("/auth/session"),
        api.get("/no-such-path"),
        api.post("/api/admin/appointments/1/move", "not json"),
        api.send(api.request("/healthz").method("DELETE", HttpRequest.BodyPublishers.noBody()).build()));
    assertThat(replies).extracting(Reply::status).containsExactly(200, 200, 200, 200, 200, 200, 404, 400, 405);
    for (Reply reply : replies) {
      assertThat(reply.header("Content-Security-Policy")).isEqualTo("default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
      assertThat(reply.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
  }

  @Test
  void thePageHasNoInlineScriptOrStyle() {
    String html = api.get("/").raw().body();
    assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style").doesNotContainPattern("\\sstyle=")
        .doesNotContainPattern("\\son[a-z]+=");
  }

  @Test
  void withoutSignInTheSessionEndpointSaysSoAndTheSignInRoutesAreAbsent() {
    assertThat(api.get("/auth/session").data().encode()).isEqualTo("{\"auth_mode\":\"none\",\"signed_in\":false}");
    assertThat(api.get("/auth/login").status()).isEqualTo(404);
    assertThat(api.get("/api/admin/technicians").data().getJsonArray("items")).isEmpty();
  }
}
