package com.edgarautoshop.moveapi.testing;

import com.edgarautoshop.moveapi.config.AppConfig.DatabaseUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of the test's own, which it may stop and start: Debian's initdb in a
 * temporary directory, on a free loopback port, run as the {@code postgres} user when the tests run
 * as root (PostgreSQL refuses root). Never the shared cluster. Without Debian's server binaries the
 * test is skipped, except under CI=true, where it fails.
 */
public final class PrivatePostgres implements AutoCloseable {
  private static final Path DEBIAN_SERVERS = Path.of("/usr/lib/postgresql");

  private final Path bin;
  private final Path dir;
  private final int port = TestService.freePort();
  private final List<String> runAs;

  private PrivatePostgres(Path bin, Path dir, List<String> runAs) {
    this.bin = bin;
    this.dir = dir;
    this.runAs = runAs;
  }

  /** initdb, then {@link #start}. */
  public static PrivatePostgres create() throws Exception {
    Path bin = newestServer();
    Path dir = Files.createTempDirectory("move-api-private-pg");
    List<String> runAs = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      run(List.of("chown", "postgres", dir.toString()));
      runAs.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    PrivatePostgres pg = new PrivatePostgres(bin, dir, runAs);
    pg.postgres("initdb", "-D", pg.data(), "-A", "trust", "-U", "postgres");
    pg.start();
    return pg;
  }

  public DatabaseUrl url() {
    return new DatabaseUrl("127.0.0.1", port, "postgres", "postgres", "", "disable");
  }

  /** Starts the cluster and waits until it accepts connections. */
  public void start() throws Exception {
    postgres("pg_ctl", "-D", data(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
        "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir, "start");
  }

  /** Stops it: {@code fast} ends every session and checkpoints; {@code immediate} is a crash (recovery at the next start). */
  public void stop(String mode) throws Exception {
    postgres("pg_ctl", "-D", data(), "-m", mode, "-w", "-t", "60", "stop");
  }

  @Override
  public void close() throws Exception {
    try {
      stop("immediate");
    } catch (IllegalStateException alreadyStopped) {
      // pg_ctl fails when there is nothing to stop
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  private void postgres(String tool, String... args) throws Exception {
    List<String> command = new ArrayList<>(runAs);
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean ended = process.waitFor(90, TimeUnit.SECONDS);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }

  private static Path newestServer() throws IOException {
    Path bin = null;
    if (Files.isDirectory(DEBIAN_SERVERS)) {
      try (Stream<Path> versions = Files.list(DEBIAN_SERVERS)) {
        bin = versions.map(version -> version.resolve("bin"))
            .filter(candidate -> Files.isExecutable(candidate.resolve("initdb")))
            .max(Comparator.comparingInt(candidate -> Integer.parseInt(candidate.getParent().getFileName().toString().replaceAll("\\D", "0"))))
            .orElse(null);
      }
    }
    if (bin == null && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but Debian's PostgreSQL server (initdb) is missing: .ci/postgres.sh installs it");
    }
    Assumptions.assumeTrue(bin != null, "no Debian PostgreSQL server under " + DEBIAN_SERVERS + " (apt-get install postgresql): skipped");
    return bin;
  }
}
