package com.edgarautoshop.moveapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which incoming id a response carries, without a server. */
class CorrelationTest {

  @Test
  void aSaneCorrelationIdWinsOverTheRequestId() {
    assertThat(Correlation.pick("abc-1", "req-2")).isEqualTo("abc-1");
    assertThat(Correlation.pick(null, "req-2")).isEqualTo("req-2");
    assertThat(Correlation.pick("a".repeat(128), null)).hasSize(128);
  }

  @Test
  void insaneIdsAreReplacedByAFreshUuid() {
    for (String bad : new String[] {"", "has space", "a".repeat(129), "semi;colon", "new\nline"}) {
      String picked = Correlation.pick(bad, bad);
      assertThat(UUID.fromString(picked).toString()).as(bad).isEqualTo(picked);
    }
  }
}
