# Flux server image: `docker compose up` runs it beside Postgres and Kafka.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY kafka-broker kafka-broker
COPY dev dev
COPY pg pg
COPY log log
COPY query query
COPY migrate migrate
COPY tenancy tenancy
COPY observe observe
COPY history history
COPY capture capture
COPY console console
COPY client client
# app's tests run the example consumer; Maven resolves test dependencies with -am too
COPY examples/table-mirror examples/table-mirror
COPY app app
# Maven reads every module of the reactor; only the app and what it is built from are built.
COPY bench/pom.xml bench/pom.xml
RUN ./mvnw -B -q -DskipTests -pl app -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 flux
WORKDIR /app
COPY --from=build /src/app/target/flux.jar /app/flux.jar
COPY schema /app/schema
USER flux
# In a container the server must listen beyond loopback; DATABASE_URL and
# KAFKA_BOOTSTRAP_SERVERS come from the environment (see docker-compose.yml).
ENV FLUX_HOST=0.0.0.0 FLUX_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --retries=20 CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
# The throughput collector, as the launcher picks it (docs/capture.md, "Garbage collector");
# JDK_JAVA_OPTIONS is read by the java launcher: set it to another -XX:+Use...GC to change it.
ENV JDK_JAVA_OPTIONS=-XX:+UseParallelGC
ENTRYPOINT ["java", "-jar", "/app/flux.jar"]
CMD ["serve"]
