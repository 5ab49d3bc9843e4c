# syntax=docker/dockerfile:1
#
# userstream's images, from one file:
#   app (the default target): the userstream CLI on Node 24 LTS, non-root;
#     the compose file runs the stream engine and the built-in source with it.
#   airflow: Apache Airflow with userstream and Node inside, so the
#     user_automation DAG's task can run `userstream ingest`.
# The TypeScript runs as is (Node strips the types): there is no compile step,
# only the Spark Connect client code, generated from the .proto files inside
# the spark-connect jar on Maven Central.

ARG NODE_VERSION=24.21.0
ARG AIRFLOW_VERSION=3.3.2

# ---- build: npm dependencies and the generated Spark Connect code ----------
FROM node:${NODE_VERSION}-bookworm-slim AS build
# Java and Maven fetch the spark-connect jar whose protos are compiled; they
# stay in this stage. Not pinned: Debian's security updates replace the
# exact versions, and nothing built here ships except generated code.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/gen-spark-connect.ts scripts/
COPY bin bin
COPY src src
RUN --mount=type=cache,target=/root/.m2 \
    USERSTREAM_STACK_HOME=/tmp/stack node scripts/gen-spark-connect.ts \
 && rm -rf /tmp/stack
# Runtime dependencies only; the image's own Node runs the CLI, so the
# npm `node` package (the Node 24 that `npm start` uses elsewhere) goes too.
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/node node_modules/.bin/node

# ---- airflow: the Airflow image, plus Node and userstream for the DAG's task --
FROM apache/airflow:${AIRFLOW_VERSION} AS airflow
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build --chown=airflow:root /app /opt/userstream
COPY --chown=airflow:root airflow/dags /opt/airflow/dags
# Mount point of the volume with the admin password file (written by
# airflow-init); made here so a new volume belongs to the airflow user.
RUN mkdir -p /opt/airflow/auth
ENV USERSTREAM_NODE=/usr/local/bin/node \
    USERSTREAM_CLI=/opt/userstream/bin/userstream.js

# ---- app: the userstream CLI ------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS app
LABEL org.opencontainers.image.title="userstream" \
      org.opencontainers.image.description="randomuser API -> Kafka -> stream engine -> Cassandra, in TypeScript" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./
COPY --from=build --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/bin bin
COPY --from=build --chown=root:root /app/src src
# The code is root's and read-only; the process runs as the image's `node`
# user, by number (uid 1000) so that runtimes can check it is not root.
USER 1000:1000
# Healthy when the Kafka and Cassandra it is configured for answer.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "/app/bin/userstream.js", "ping", "--timeout", "5000"]
ENTRYPOINT ["node", "/app/bin/userstream.js"]
CMD ["--help"]
