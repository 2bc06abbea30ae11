# Move API container image: build with Maven, run on a JRE as a non-root user.
#
#   docker build -t move-api .
#   docker run -p 8080:8080 -e DATABASE_URL=postgresql://user:pass@db:5432/moveapi \
#     -e JWT_JWKS_URL=https://cognito-idp.<region>.amazonaws.com/<pool-id>/.well-known/jwks.json \
#     -e JWT_ISSUER=https://cognito-idp.<region>.amazonaws.com/<pool-id> -e JWT_AUDIENCE=<app-client-id> \
#     -e JWT_ROLE_CLAIM=cognito:groups move-api
#
# In a container, always set DATABASE_URL (or PGHOST …), JWT_ISSUER, JWT_AUDIENCE and JWT_JWKS_URL or JWT_PUBLIC_KEY:
# without a database the service would try its embedded PostgreSQL and, with AUTH_MODE=none,
# listen on 127.0.0.1 only. See README.md for every variable.

# ---- build ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, so this layer is reused while only the sources change.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY sql ./sql
COPY src ./src
RUN mvn -B -DskipTests package

# ---- runtime ----
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /build/target/move-api.jar /app/move-api.jar
USER 10001:10001
EXPOSE 8080
# No HEALTHCHECK: on ECS the ALB target group checks GET /readyz (and /healthz for liveness).
# The JVM is PID 1 (exec form), so ECS's SIGTERM runs the draining shutdown hook.
ENTRYPOINT ["java","-XX:MaxRAMPercentage=75","-jar","/app/move-api.jar"]
