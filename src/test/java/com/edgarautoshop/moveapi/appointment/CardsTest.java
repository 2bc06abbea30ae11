package com.edgarautoshop.moveapi.appointment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The card's hand-made renderings agree with the JDK's and BigDecimal's. */
class CardsTest {
  @Test
  void timestampsAreWrittenExactlyAsInstantWritesThem() {
    Random random = new Random(42);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    int[] granularities = {1_000_000_000, 1_000_000, 1000, 1};
    for (int i = 0; i < 200_000; i++) {
      int granularity = granularities[i % granularities.length];
      Instant instant = Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)),
          random.nextInt(1_000_000_000 / granularity) * granularity);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(37) - 18) * 3600);
      assertThat(Cards.timestamp(OffsetDateTime.ofInstant(instant, offset))).isEqualTo(instant.toString());
    }
    Instant farFuture = Instant.parse("+12345-06-07T08:09:10.5Z");
    assertThat(Cards.timestamp(OffsetDateTime.ofInstant(farFuture, ZoneOffset.UTC))).isEqualTo(farFuture.toString());
    assertThat(Cards.timestamp(null)).isNull();
  }

  @Test
  void moneyTextIsWrittenAsTheStrippedNumber() {
    for (String amount : new String[] {"0.00", "0.10", "100.00", "120.50", "120.55", "9999999999.99", "1200.00", "7.01"}) {
      assertThat(Cards.moneyText(amount)).as(amount).isEqualTo(Cards.money(new BigDecimal(amount)).toString());
    }
  }
}
