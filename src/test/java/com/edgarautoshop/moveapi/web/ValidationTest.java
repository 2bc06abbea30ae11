package com.edgarautoshop.moveapi.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The one validator and the one id rule, without a server. */
class ValidationTest {

  @Test
  void theIdRuleAcceptsPositiveBigintsBelowTwoToTheSixtyThird() {
    assertThat(Requests.id("42")).isEqualTo(OptionalLong.of(42));
    assertThat(Requests.id("9223372036854775807")).isEqualTo(OptionalLong.of(Long.MAX_VALUE));
    for (String bad : List.of("0", "-1", "042", "+1", "1.0", "1e3", "9223372036854775808", "99999999999999999999", "", " 1", "abc")) {
      assertThat(Requests.id(bad)).as(bad).isEmpty();
    }
    assertThat(Requests.id(null)).isEmpty();
  }

  @Test
  void everyProblemIsCollectedIntoOneValidationError() {
    JsonObject body = new JsonObject().put("n", 1.5).put("s", 7).put("big", 3_000_000_000L);
    Validation check = new Validation();
    check.integer(body, "n", 1, true);
    check.oneOf(body, "s", List.of("a"));
    check.integer(body, "big", 0, true);
    check.integer(body, "missing", 0, true);
    assertThatThrownBy(check::throwIfAny).isInstanceOfSatisfying(ApiError.class, error -> {
      assertThat(error.status()).isEqualTo(400);
      assertThat(error.code()).isEqualTo("validation_error");
      JsonArray details = error.body().getJsonObject("error").getJsonArray("details");
      assertThat(details.stream().map(d -> ((JsonObject) d).getString("field"))).containsExactly("n", "s", "big", "missing");
    });
  }

  @Test
  void validValuesPassAndNothingIsThrown() {
    JsonObject body = new JsonObject().put("v", 2147483647).put("s", "a").put("t", "x").put("m", 12.5).put("id", "7");
    Validation check = new Validation();
    assertThat(check.integer(body, "v", 1, true)).isEqualTo(Integer.MAX_VALUE);
    assertThat(check.oneOf(body, "s", List.of("a"))).isEqualTo("a");
    assertThat(check.text(body, "t", "t", true, 1)).isEqualTo("x");
    assertThat(check.money(body, "m", new BigDecimal("100"))).isEqualByComparingTo("12.5");
    assertThat(check.id(body, "id")).isEqualTo(7L);
    check.throwIfAny();
  }

  @Test
  void textRefusesNulTooLongAndBlankRequired() {
    Validation check = new Validation();
    assertThat(check.text(new JsonObject().put("t", "a\u0000b"), "t", "t", false, 10)).isNull();
    assertThat(check.text(new JsonObject().put("t", "abc"), "t", "t", false, 2)).isNull();
    assertThat(check.text(new JsonObject().put("t", "  "), "t", "t", true, 10)).isNull();
    assertThatThrownBy(check::throwIfAny).isInstanceOf(ApiError.class);
  }

  @Test
  void moneyHasAtMostTwoDecimalsAndNoSign() {
    Validation check = new Validation();
    assertThat(check.money(new JsonObject(), "m", BigDecimal.TEN)).isEqualByComparingTo("0");
    assertThat(check.money(new JsonObject().put("m", 1.234), "m", BigDecimal.TEN)).isNull();
    assertThat(check.money(new JsonObject().put("m", -1), "m", BigDecimal.TEN)).isNull();
    assertThat(check.money(new JsonObject().put("m", "5"), "m", BigDecimal.TEN)).isNull();
  }
}
