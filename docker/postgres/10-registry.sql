-- The Schema Registry's database beside Airflow's (compose.yaml mounts this
-- into the postgres image's /docker-entrypoint-initdb.d, which runs it once,
-- on an empty data volume).
CREATE DATABASE apicurio_registry OWNER airflow;
