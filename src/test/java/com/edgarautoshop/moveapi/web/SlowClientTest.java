package com.edgarautoshop.moveapi.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.edgarautoshop.moveapi.testing.TestService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14.5: a client that sends its headers a byte at a time (slowloris) is never idle, so only
 * the header-read bound closes it. The bound is 1 s here; the checks are that the server closes such
 * a connection without answering, not before the bound, and while the client was still sending.
 */
class SlowClientTest {
  private static final long HEADER_BOUND_MS = 1000;
  private static final long IDLE_TIMEOUT_MS = 60_000;
  private static TestService service;
  private static URI base;

  @BeforeAll
  static void start() {
    service = TestService.start(Map.of("HTTP_HEADER_TIMEOUT_MS", String.valueOf(HEADER_BOUND_MS), "HTTP_IDLE_TIMEOUT_MS", String.valueOf(IDLE_TIMEOUT_MS),
        "STREAM_HEARTBEAT_MS", "100", "REQUEST_TIMEOUT", "1000"));
    base = URI.create(service.api().base());
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
  }

  /** Reads everything the server sends until it closes the connection. */
  private static final class Reader extends Thread {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final AtomicBoolean closedByServer = new AtomicBoolean();
    private final InputStream in;

    Reader(InputStream in) {
      this.in = in;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          synchronized (received) {
            received.write(buffer, 0, n);
          }
        }
        closedByServer.set(true);
      } catch (IOException reset) {
        closedByServer.set(true);
      }
    }

    String text() {
      synchronized (received) {
        return received.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  @Test
  void headersDrippedByteByByteAreCutOffAtTheBound() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      Reader reader = new Reader(socket.getInputStream());
      long started = System.nanoTime();
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      AtomicInteger dripped = new AtomicInteger();
      Awaitility.await("the server to close the slow connection").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!reader.closedByServer.get()) {
              try {
                out.write('x');
                out.flush();
                dripped.incrementAndGet();
              } catch (IOException closed) {
                // the server has closed; the reader sees it too
              }
            }
            return reader.closedByServer.get();
          });
      long closedAfterMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(reader.text()).as("no answer to unfinished headers").isEmpty();
      assertThat(closedAfterMs).as("not before the bound").isGreaterThanOrEqualTo(HEADER_BOUND_MS);
      assertThat(dripped.get()).as("the client kept sending").isPositive();
      assertThat(closedAfterMs).as("so the idle timeout (60 s) did not close it").isLessThan(IDLE_TIMEOUT_MS);
    }
  }

  @Test
  void aConnectionThatSaysNothingIsClosedToo() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      Reader reader = new Reader(socket.getInputStream());
      Awaitility.await("the server to close a silent connection").atMost(Duration.ofSeconds(20)).until(reader.closedByServer::get);
      assertThat(reader.text()).isEmpty();
    }
  }

  /** A body that stops arriving is the client's fault: 408 in the envelope at the request timeout, not a 503 "retry". */
  @Test
  void aBodyThatNeverArrivesIs408() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      Reader reader = new Reader(socket.getInputStream());
      out.write(("POST /api/admin/appointments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"appt")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Awaitility.await("an answer").atMost(Duration.ofSeconds(20)).until(() -> reader.text().contains("}}"));
      assertThat(reader.text()).startsWith("HTTP/1.1 408 ").contains("\"code\":\"request_timeout\"");
    }
  }

  /** The bound applies to headers only: a kept-alive connection serves request after request, and a stream outlives it. */
  @Test
  void prompterRequestsAndOpenStreamsAreNotCut() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = socket.getOutputStream();
      Reader reader = new Reader(socket.getInputStream());
      for (int i = 1; i <= 3; i++) {
        out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int answers = i;
        Awaitility.await("answer " + i).atMost(Duration.ofSeconds(10))
            .until(() -> reader.text().split("HTTP/1.1 200", -1).length - 1 == answers);
      }
      out.write("GET /api/admin/appointments/stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Heartbeats every 100 ms: 30 of them take three times the header bound.
      Awaitility.await("30 heartbeats on the open stream").atMost(Duration.ofSeconds(30))
          .until(() -> reader.text().split(": ping", -1).length - 1 >= 30 || reader.closedByServer.get());
      assertThat(reader.closedByServer.get()).as("the stream is still open").isFalse();
    }
  }
}
