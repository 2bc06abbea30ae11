package com.edgarautoshop.moveapi.auth;

import com.edgarautoshop.moveapi.config.AppConfig.JwtSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a JWKS URL: fetched at start (a failure stops start-up), refreshed every 15 minutes
 * (or half of {@code JWT_JWKS_MAX_AGE_SECONDS} if that is shorter), refetched when a token names an
 * unknown {@code kid} (at most once a minute, so that made-up kids cannot hammer the issuer), and
 * no longer trusted once the last successful fetch is older than the max age: then tokens are
 * refused until a fetch succeeds again. Shared by every event loop, hence the locking.
 */
final class JwksKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
  private static final long REFRESH_NANOS = 15 * 60 * 1_000_000_000L;
  static final long UNKNOWN_KID_REFETCH_NANOS = 60 * 1_000_000_000L;

  /** One fetch's verifier, the kids it knows and when it was fetched. */
  private record Keys(JWTAuth auth, Set<String> kids, long fetchedAtNanos) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final JwtSettings jwt;
  private final Supplier<JWTAuthOptions> baseOptions;
  private final long maxAgeNanos;
  private volatile Keys current;
  private long lastUnknownKidRefetchNanos;
  private boolean unknownKidRefetched;
  private Future<Keys> inFlight;

  private JwksKeys(Vertx vertx, JwtSettings jwt, Supplier<JWTAuthOptions> baseOptions) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.jwt = jwt;
    this.baseOptions = baseOptions;
    this.maxAgeNanos = jwt.jwksMaxAge().toNanos();
  }

  static Future<JwksKeys> start(Vertx vertx, JwtSettings jwt, Supplier<JWTAuthOptions> baseOptions) {
    JwksKeys keys = new JwksKeys(vertx, jwt, baseOptions);
    return keys.refetch().map(first -> {
      long periodMs = Math.min(REFRESH_NANOS, keys.maxAgeNanos / 2) / 1_000_000;
      vertx.setPeriodic(periodMs, id -> keys.refetch()
          .onFailure(err -> LOG.warn("JWKS refresh from {} failed; the previous keys are trusted until {} s after their fetch: {}",
              jwt.jwksUrl().get(), jwt.jwksMaxAge().toSeconds(), err.getMessage())));
      return keys;
    });
  }

  /** The verifier for a token naming {@code kid} (null when it names none); failed when no trusted keys are left. */
  Future<JWTAuth> verifierFor(String kid) {
    Keys keys = current;
    boolean trusted = keys != null && System.nanoTime() - keys.fetchedAtNanos() < maxAgeNanos;
    if (trusted && (kid == null || keys.kids().contains(kid))) {
      return Future.succeededFuture(keys.auth());
    }
    Future<Keys> refetch = refetchForUnknownKid();
    if (refetch == null) {
      return trusted ? Future.succeededFuture(keys.auth()) : Future.failedFuture("no JWKS keys fetched within the max age");
    }
    return refetch.map(Keys::auth).recover(err -> trusted ? Future.succeededFuture(keys.auth()) : Future.failedFuture(err));
  }

  /** Null when an unknown-kid refetch already ran in the last minute. */
  private synchronized Future<Keys> refetchForUnknownKid() {
    long now = System.nanoTime();
    if (unknownKidRefetched && now - lastUnknownKidRefetchNanos < UNKNOWN_KID_REFETCH_NANOS) {
      return null;
    }
    unknownKidRefetched = true;
    lastUnknownKidRefetchNanos = now;
    return refetch();
  }

  /** One fetch at a time: callers arriving while one runs share it. */
  private synchronized Future<Keys> refetch() {
    if (inFlight == null) {
      inFlight = fetch().andThen(done -> {
        synchronized (this) {
          inFlight = null;
        }
        if (done.succeeded()) {
          current = done.result();
        }
      });
    }
    return inFlight;
  }

  private Future<Keys> fetch() {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(jwt.jwksUrl().get()).setTimeout(5000))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200
            ? response.body()
            : Future.failedFuture("JWKS URL answered HTTP " + response.statusCode()))
        .map(body -> {
          JsonArray keys = body.toJsonObject().getJsonArray("keys", new JsonArray());
          JWTAuthOptions options = baseOptions.get();
          Set<String> kids = new HashSet<>();
          for (Object key : keys) {
            JsonObject jwk = (JsonObject) key;
            String alg = jwk.getString("alg", jwt.algorithms().get(0));
            // Only keys for the configured asymmetric algorithms; an HMAC ("oct") key is never accepted.
            if (!"oct".equals(jwk.getString("kty")) && jwt.algorithms().contains(alg)) {
              options.addJwk(jwk.copy().put("alg", alg));
              if (jwk.getString("kid") != null) {
                kids.add(jwk.getString("kid"));
              }
            }
          }
          return new Keys(JWTAuth.create(vertx, options), Set.copyOf(kids), System.nanoTime());
        });
  }
}
