package com.edgarautoshop.moveapi.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.edgarautoshop.moveapi.testing.Api;
import com.edgarautoshop.moveapi.testing.EventStream;
import com.edgarautoshop.moveapi.testing.MoveLoad;
import com.edgarautoshop.moveapi.testing.MoveLoad.Answer;
import com.edgarautoshop.moveapi.testing.TestService;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, scale-out: three instances of the service against one PostgreSQL, concurrent moves on
 * the same cards through all three, keyed moves replayed through another instance, and a stream
 * open on each instance. {@code -Dfaults.scale=N} runs N times as many moves.
 */
class ScaleOutTest {
  private static final int SCALE = Integer.getInteger("faults.scale", 1);

  @Test
  void threeInstancesLoseNothingHonourEachOthersReplaysAndStreamEveryMove() throws Exception {
    LocalDate date = Api.freshDate();
    Map<String, String> env = Map.of("DB_POOL_SIZE", "4");
    try (TestService one = TestService.start(env); TestService two = TestService.start(env); TestService three = TestService.start(env)) {
      List<Api> instances = List.of(one.api(), two.api(), three.api());
      List<EventStream> streams = new ArrayList<>();
      try {
        for (Api api : instances) {
          streams.add(EventStream.open(api, date));
        }
        List<String> cards = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          cards.add(instances.get(i % 3).createCard(date, 8 + i).getString("id"));
        }
        MoveLoad load = MoveLoad.start(instances, cards, MoveLoad.Options.of(12).replayingAcrossInstances());
        await("moves through the three instances").atMost(Duration.ofSeconds(60L * SCALE))
            .until(() -> load.count(a -> a.status() == 200 && !a.replayCheck()) >= 300L * SCALE);
        List<Answer> answers = load.stop();

        MoveLoad.Verdict verdict = load.verify(one.api(), MoveLoad.Fault.NONE);
        System.out.println("FAULT scale-out: " + verdict.summary());
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.outcomes()).as("the instances did contend for the same versions").containsKey("409 version_conflict");
        for (int instance = 0; instance < 3; instance++) {
          int i = instance;
          assertThat(answers).as("keyed 200s replayed through instance " + i)
              .anyMatch(a -> a.replayCheck() && a.instance() == i && a.status() == 200);
        }

        Map<String, Integer> finalVersions = new HashMap<>();
        for (String card : cards) {
          finalVersions.put(card, one.api().card(card).getInteger("version"));
        }
        for (EventStream stream : streams) {
          assertEveryMoveArrives(stream, finalVersions, verdict.historyRows());
        }
      } finally {
        streams.forEach(EventStream::close);
      }
    }
  }

  /**
   * Every committed move is announced to every instance, whichever instance made it: the stream
   * gets one appointment.moved per history row, and its last word on each card is the final version.
   */
  private static void assertEveryMoveArrives(EventStream stream, Map<String, Integer> finalVersions, int moves) throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    int[] movedEvents = {0};
    await("every move on the stream").atMost(Duration.ofSeconds(30)).until(() -> {
      for (EventStream.Event event = stream.next(Duration.ofMillis(100)); event != null; event = stream.next(Duration.ZERO)) {
        if (event.type().equals("appointment.moved")) {
          movedEvents[0]++;
          seen.merge(event.data().getString("id"), event.data().getInteger("version"), Math::max);
        }
      }
      return movedEvents[0] >= moves && seen.equals(finalVersions);
    });
    assertThat(movedEvents[0]).as("one event per committed move").isEqualTo(moves);
  }
}
