package com.edgarautoshop.moveapi.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchServiceClientConfiguration;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

/** A burst of failed publishes (endpoint down, credentials refused) is reported once, not once per publish. */
class QuietFailuresCloudWatchClientTest {
  /** Stands in for CloudWatch refusing every call, as an unreachable endpoint or a denied role does. */
  private static final class Refusing implements CloudWatchAsyncClient {
    @Override
    public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
      return CompletableFuture.failedFuture(SdkClientException.create("Unable to load credentials"));
    }

    @Override
    public String serviceName() {
      return "monitoring";
    }

    @Override
    public CloudWatchServiceClientConfiguration serviceClientConfiguration() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  @Test
  void failuresAreLoggedAtMostOnceAMinute() {
    Logger logger = (Logger) LoggerFactory.getLogger(QuietFailuresCloudWatchClient.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try (QuietFailuresCloudWatchClient client = new QuietFailuresCloudWatchClient(new Refusing())) {
      for (int i = 0; i < 20; i++) {
        assertThat(client.putMetricData(PutMetricDataRequest.builder().namespace("n").build())).isCompletedExceptionally();
      }
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list).hasSize(1);
    assertThat(logged.list.get(0).getFormattedMessage()).contains("1 failure(s)").contains("Unable to load credentials");
  }
}
