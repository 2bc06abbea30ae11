package com.edgarautoshop.moveapi.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchServiceClientConfiguration;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

/**
 * The one call the CloudWatch registry makes, with its failures logged at most once a minute: an
 * unreachable endpoint or refused credentials would otherwise log on every step. (The registry's
 * own per-failure error log is switched off in logback.xml.)
 */
final class QuietFailuresCloudWatchClient implements CloudWatchAsyncClient {
  private static final Logger LOG = LoggerFactory.getLogger(QuietFailuresCloudWatchClient.class);
  private static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final CloudWatchAsyncClient delegate;
  private final AtomicLong nextLogAt = new AtomicLong(System.nanoTime());
  private final AtomicLong failuresSinceLog = new AtomicLong();

  QuietFailuresCloudWatchClient(CloudWatchAsyncClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
    return delegate.putMetricData(request).whenComplete((response, failure) -> {
      if (failure != null) {
        logThrottled(failure);
      }
    });
  }

  private void logThrottled(Throwable failure) {
    long failures = failuresSinceLog.incrementAndGet();
    long due = nextLogAt.get();
    long now = System.nanoTime();
    if (now - due >= 0 && nextLogAt.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
      failuresSinceLog.addAndGet(-failures);
      LOG.warn("publishing metrics to CloudWatch failed ({} failure(s) since the last report; moves are unaffected): {}",
          failures, failure.toString());
    }
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public CloudWatchServiceClientConfiguration serviceClientConfiguration() {
    return delegate.serviceClientConfiguration();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
