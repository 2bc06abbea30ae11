package com.edgarautoshop.moveapi.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md has one row for every variable AppConfig reads, and none for any other. */
class ConfigurationDocsTest {
  private static final Path SOURCE = Path.of("src/main/java/com/edgarautoshop/moveapi/config/AppConfig.java");
  private static final Path DOCS = Path.of("docs/configuration.md");
  /** The typed reads of AppConfig.Env all take the variable's name first, as {@code String name}. */
  private static final Pattern READER = Pattern.compile("\\b(\\w+)\\(String name\\b");
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|");

  @Test
  void everyVariableReadHasOneRowAndEveryRowIsRead() throws IOException {
    Set<String> read = variablesInSource();
    List<String> rows = ROW.matcher(Files.readString(DOCS)).results().map(m -> m.group(1)).toList();

    assertThat(read).as("variables read in %s", SOURCE).contains("DATABASE_URL", "PORT", "SESSION_SECRET");
    assertThat(rows).as("rows of %s", DOCS).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(rows)).as("variables in %s against those read in %s", DOCS, SOURCE).isEqualTo(read);
  }

  /** Guards the source scan: every name AppConfig actually looks up, on the embedded and the full sign-in path, is one it found. */
  @Test
  void theSourceScanFindsEveryVariableLookedUpAtStart() throws IOException {
    Set<String> lookedUp = new TreeSet<>();
    AppConfig.from(recording(Map.of(), lookedUp));
    AppConfig.from(recording(Map.of(
        "PGHOST", "db.example", "AUTH_MODE", "oidc", "JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----",
        "JWT_ISSUER", "https://idp.example", "JWT_AUDIENCE", "board",
        "OIDC_ISSUER", "https://idp.example", "OIDC_CLIENT_ID", "board",
        "OIDC_REDIRECT_URI", "https://board.example/auth/callback", "SESSION_SECRET", "s".repeat(32)), lookedUp));

    assertThat(lookedUp).contains("PGPASSWORD", "OIDC_LOGOUT_URL", "AWS_REGION");
    assertThat(variablesInSource()).containsAll(lookedUp);
  }

  private static Set<String> variablesInSource() throws IOException {
    String source = Files.readString(SOURCE);
    List<String> readers = READER.matcher(source).results().map(m -> m.group(1)).distinct().toList();
    Matcher names = Pattern.compile("\\b(?:" + String.join("|", readers) + ")\\(\"([A-Z][A-Z0-9_]*)\"").matcher(source);
    Set<String> read = new TreeSet<>();
    while (names.find()) {
      read.add(names.group(1));
    }
    return read;
  }

  /** The environment {@code values}, noting every name asked for. */
  private static Map<String, String> recording(Map<String, String> values, Set<String> lookedUp) {
    return new HashMap<>(values) {
      @Override
      public String get(Object key) {
        lookedUp.add((String) key);
        return super.get(key);
      }
    };
  }
}
