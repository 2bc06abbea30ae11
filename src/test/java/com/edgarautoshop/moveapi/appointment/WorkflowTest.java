package com.edgarautoshop.moveapi.appointment;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The contract's transition table, without a server. */
class WorkflowTest {

  @Test
  void allowedTransitionsAreTheContractsTable() {
    assertThat(Workflow.allowedFrom("scheduled")).containsExactly("in_progress", "no_show");
    assertThat(Workflow.allowedFrom("in_progress")).containsExactly("ready", "completed", "scheduled");
    assertThat(Workflow.allowedFrom("ready")).containsExactly("completed", "in_progress");
    assertThat(Workflow.allowedFrom("completed")).isEmpty();
    assertThat(Workflow.allowedFrom("no_show")).containsExactly("scheduled");
  }

  @Test
  void sourcesAreTheInverseAndNeverTheTargetItself() {
    for (String target : Workflow.STATUSES) {
      for (String from : Workflow.STATUSES) {
        assertThat(Workflow.sourcesOf(target).contains(from)).as(from + " → " + target)
            .isEqualTo(Workflow.allowedFrom(from).contains(target));
      }
      assertThat(Workflow.sourcesOf(target)).doesNotContain(target);
    }
  }

  @Test
  void theJsonListsEveryStatusIncludingTerminalOnes() {
    JsonObject json = Workflow.toJson();
    assertThat(json.getJsonArray("statuses").getList()).containsExactlyElementsOf(Workflow.STATUSES);
    assertThat(json.getJsonObject("transitions").fieldNames()).containsExactlyInAnyOrderElementsOf(Workflow.STATUSES);
    assertThat(json.getJsonObject("transitions").getJsonArray("completed")).isEmpty();
    assertThat(Workflow.isStatus("done")).isFalse();
  }
}
