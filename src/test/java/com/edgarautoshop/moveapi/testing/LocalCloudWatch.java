package com.edgarautoshop.moveapi.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A CloudWatch endpoint on 127.0.0.1 that accepts PutMetricData as the AWS SDK sends it (the AWS
 * query protocol: a form-encoded body, gzip-compressed when large) and keeps every datum decoded.
 */
public final class LocalCloudWatch implements AutoCloseable {
  /** One MetricDatum as received; {@code dimensions} maps name to value. */
  public record Datum(String namespace, String name, Map<String, String> dimensions, String unit, double value) {}

  private final Vertx vertx = Vertx.vertx();
  private final List<Datum> data = new CopyOnWriteArrayList<>();
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public LocalCloudWatch() throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions().setHandle100ContinueAutomatically(true))
        .requestHandler(request -> request.body().onSuccess(body -> {
          Map<String, String> form = decodeForm(body, request.getHeader("Content-Encoding"));
          actions.add(form.get("Action"));
          data.addAll(metricData(form));
          request.response().putHeader("Content-Type", "text/xml").end(
              "<PutMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"
                  + "<ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></PutMetricDataResponse>");
        }))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public List<Datum> data() {
    return List.copyOf(data);
  }

  public List<String> actions() {
    return List.copyOf(actions);
  }

  private static Map<String, String> decodeForm(Buffer body, String contentEncoding) {
    byte[] bytes = body.getBytes();
    if ("gzip".equalsIgnoreCase(contentEncoding)) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    Map<String, String> form = new HashMap<>();
    for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
      String[] kv = pair.split("=", 2);
      form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return form;
  }

  /** MetricData.member.N.{MetricName,Unit,Value,Dimensions.member.M.{Name,Value}} back into data. */
  private static List<Datum> metricData(Map<String, String> form) {
    List<Datum> result = new ArrayList<>();
    for (int n = 1; form.containsKey("MetricData.member." + n + ".MetricName"); n++) {
      String prefix = "MetricData.member." + n + ".";
      Map<String, String> dimensions = new TreeMap<>();
      for (int m = 1; form.containsKey(prefix + "Dimensions.member." + m + ".Name"); m++) {
        dimensions.put(form.get(prefix + "Dimensions.member." + m + ".Name"), form.get(prefix + "Dimensions.member." + m + ".Value"));
      }
      result.add(new Datum(form.get("Namespace"), form.get(prefix + "MetricName"), dimensions, form.get(prefix + "Unit"),
          Double.parseDouble(form.get(prefix + "Value"))));
    }
    return result;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
