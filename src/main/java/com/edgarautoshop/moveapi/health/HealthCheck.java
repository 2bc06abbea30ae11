package com.edgarautoshop.moveapi.health;

import com.edgarautoshop.moveapi.config.AppConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container image's HEALTHCHECK ({@code java -jar move-api.jar healthcheck}): GET /healthz on
 * the service's own HOST/PORT, so that the slim runtime image needs no curl. Exit status as Docker
 * expects: 0 healthy, 1 unhealthy (never 2, which Docker reserves).
 */
public final class HealthCheck {
  public static final Duration TIMEOUT = Duration.ofSeconds(2);

  private HealthCheck() {}

  /** The /healthz address of a service configured like {@code config}; a wildcard listen address is reached on loopback. */
  public static URI healthzUri(AppConfig config) {
    String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
    try {
      return new URI("http", null, host, config.port(), "/healthz", null, null);
    } catch (URISyntaxException ex) {
      throw new IllegalArgumentException("HOST '" + host + "' does not make a URL", ex);
    }
  }

  /** 0 when {@code uri} answers 200 within {@link #TIMEOUT}, else 1 with the reason on stderr. */
  public static int probe(URI uri) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status == 200) {
        return 0;
      }
      System.err.println("healthcheck: " + uri + " answered " + status);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      System.err.println("healthcheck: interrupted");
    } catch (Exception ex) {
      System.err.println("healthcheck: " + uri + " failed: " + ex);
    }
    return 1;
  }
}
