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
ARG AIRFLOW_VERSION=3.3.2

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
 && apt-get install -y --no-install-recommends ca-certificates openjdk-17-jdk-headless maven nodejs npm \
 && rm -rf /var/lib/apt/lists/*
# The extra CAs, one file each (update-ca-certificates and Java's keystore
# take one certificate per file), also for Node (NODE_EXTRA_CA_CERTS).
RUN --mount=type=secret,id=extra_ca \
    if [ -s /run/secrets/extra_ca ]; then \
      awk '/BEGIN CERTIFICATE/{n++} n{print > ("/usr/local/share/ca-certificates/extra-" n ".crt")}' /run/secrets/extra_ca \
      && update-ca-certificates; \
    fi
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    USERSTREAM_STACK_HOME=/stack
WORKDIR /app
COPY package.json package-lock.json ./
# Debian's npm installs the lockfile, Node 24 (the `node` package) included.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/gen-spark-connect.ts scripts/
COPY bin bin
COPY src src
# Maven's repository is a build cache: a rebuild after a code change resolves
# the classpaths again without downloading them again.
RUN --mount=type=cache,target=/stack/cache/m2 \
    node_modules/node/bin/node scripts/gen-spark-connect.ts \
 && node_modules/node/bin/node bin/userstream.js stack fetch kafka --into /out/kafka \
 && node_modules/node/bin/node bin/userstream.js stack fetch cassandra --into /out/cassandra \
 && node_modules/node/bin/node bin/userstream.js stack fetch spark-master --into /out/spark
# What the images run, in /opt/userstream: the runtime packages only (Node
# itself goes to /usr/local/bin), the CLI and the code.
RUN cp node_modules/node/bin/node /usr/local/bin/node \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/.bin/node \
 && mkdir /opt/userstream \
 && cp -r package.json node_modules bin src /opt/userstream/

# ---- app: the userstream CLI --------------------------------------------------
FROM base AS app
LABEL org.opencontainers.image.title="userstream" \
      org.opencontainers.image.description="randomuser API -> Kafka -> stream engine -> Cassandra, in TypeScript" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
ENV NODE_ENV=production \
    USERSTREAM_LOG_FORMAT=json \
    USERSTREAM_STACK_HOME=/var/lib/userstream
WORKDIR /var/lib/userstream
# The code is root's and read-only; the process runs as uid 1000.
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/userstream/bin/userstream.js"]
CMD ["--help"]

# ---- service: a JVM service of the stack, run by its definition ---------------
FROM java AS service
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /opt/userstream /opt/userstream
ENV USERSTREAM_LOG_FORMAT=json \
    USERSTREAM_STACK_HOME=/var/lib/userstream
WORKDIR /var/lib/userstream
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/userstream/bin/userstream.js"]

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

# ---- airflow: Airflow's own image, with Node and userstream for the DAG's task --
# Still FROM Docker Hub's apache/airflow (not yet built on BASE_IMAGE): where
# Docker Hub cannot be reached, the Airflow services cannot be built.
FROM apache/airflow:${AIRFLOW_VERSION} AS airflow
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build --chown=airflow:root /opt/userstream /opt/userstream
COPY --chown=airflow:root airflow/dags /opt/airflow/dags
# Mount point of the volume with the admin password file (written by
# airflow-init); made here so a new volume belongs to the airflow user.
RUN mkdir -p /opt/airflow/auth
ENV USERSTREAM_NODE=/usr/local/bin/node \
    USERSTREAM_CLI=/opt/userstream/bin/userstream.js
