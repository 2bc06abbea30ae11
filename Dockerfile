# Move API container image: a Maven build stage, then the shaded jar without the embedded PostgreSQL
# on a Temurin 17 JRE as a non-root user, in production mode (AUTH_MODE=jwt, JSON logs).
#
#   docker build -t move-api --build-arg VERSION=1.0.0 --build-arg GIT_SHA="$(git rev-parse HEAD)" \
#     --build-arg SOURCE_URL=https://git.example/edgar/move-api .
#   docker run -p 8080:8080 -e DATABASE_URL=postgresql://user:pass@db:5432/moveapi \
#     -e JWT_JWKS_URL=https://cognito-idp.<region>.amazonaws.com/<pool-id>/.well-known/jwks.json \
#     -e JWT_ISSUER=https://cognito-idp.<region>.amazonaws.com/<pool-id> -e JWT_AUDIENCE=<app-client-id> \
#     -e JWT_ROLE_CLAIM=cognito:groups move-api
#
# Without DATABASE_URL (or PGHOST) the container exits at once with status 2 and
# "Configuration error: EMBEDDED_DATABASE=forbid needs a database: …"; without JWT_ISSUER,
# JWT_AUDIENCE and JWT_JWKS_URL or JWT_PUBLIC_KEY it exits the same way naming those. No secret is
# baked in: every one comes from the environment at run time. docs/deploy-reference.md ("Container
# image") describes the build args, defaults and health check, and how .ci/image-check.sh proves
# this runtime stage without a Docker engine (it reads this file: keep ENV, USER, ENTRYPOINT and
# HEALTHCHECK in exec/KEY=VALUE form).

# ---- build ----
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, so this layer is reused while only the sources change.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY sql ./sql
COPY src ./src
# -Pimage: target/move-api-image.jar, the service without the embedded PostgreSQL (pom.xml, "image").
RUN mvn -B -q -Pimage -DskipTests package

# ---- runtime ----
FROM eclipse-temurin:17.0.17_10-jre-noble AS runtime
ARG VERSION=dev
ARG GIT_SHA=unknown
ARG SOURCE_URL=unknown
LABEL org.opencontainers.image.title="move-api" \
      org.opencontainers.image.description="Move API: the auto shop status board's backend" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${GIT_SHA}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.licenses="LicenseRef-Proprietary"
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /build/target/move-api-image.jar /app/move-api.jar
# Production defaults; the service refuses to start rather than fall back to the embedded database
# or to running without authentication.
ENV APP_VERSION="${VERSION}" \
    EMBEDDED_DATABASE=forbid \
    AUTH_MODE=jwt \
    LOG_FORMAT=json
USER 10001:10001
EXPOSE 8080
# The jar probes its own /healthz (2 s HTTP timeout, exit 0/1), so the check does not depend on
# curl or wget being in the base image. A probe is a JVM start: 0.3-2.2 s on a 2-core shared VM
# (.ci/image-check.sh), hence the 10 s timeout; the start period covers migrations and the JWKS fetch.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmx64m", "-jar", "/app/move-api.jar", "healthcheck"]
# Exec form: the JVM is PID 1, so SIGTERM runs the draining shutdown hook (exit 0 once drained).
# The heap follows the container's memory limit; on OutOfMemoryError the JVM exits so the
# orchestrator replaces the task instead of leaving it half-alive.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/move-api.jar"]
