"""The original project's DAG, with its task done by userstream (TypeScript).

`user_automation` runs daily at midnight UTC without catch-up, and only from
the next midnight on: switching it on (`userstream up` unpauses it to trigger
its run) does not also start a run for the midnight that has passed. Its one task,
`stream_data_from_api`, runs `userstream ingest` for `duration` seconds
against the stack's Kafka. All the logic is in TypeScript; this file only
schedules it (docs/airflow.md says why the task is not written with the
TypeScript task SDK). The ingest's progress and summary are the task log; a
failed ingest exits non-zero and fails the task with its reason.
"""

from __future__ import annotations

import os
from datetime import timedelta

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, CronTriggerTimetable, Param

# Set by `userstream stack up` in the scheduler's environment.
NODE = os.environ.get("USERSTREAM_NODE", "node")
CLI = os.environ.get("USERSTREAM_CLI", "userstream")
SAFE = r"^[A-Za-z0-9._:,/-]+$"

with DAG(
    dag_id="user_automation",
    description="randomuser API -> Kafka users_created, by userstream ingest",
    # No start_date: with one, Airflow schedules the past midnight as soon as
    # the DAG is unpaused, whatever run_immediately says; a zero window means
    # the first scheduled run is the next midnight.
    schedule=CronTriggerTimetable("@daily", timezone="UTC", run_immediately=timedelta(0)),
    catchup=False,
    default_args={
        "owner": "userstream",
        "retries": 1,
        "retry_delay": timedelta(seconds=10),
    },
    params={
        "duration": Param(60, type="integer", minimum=1, description="seconds to stream"),
        # Like `userstream up`: a steady 2,000/s the engines keep up with. The daily
        # scheduled run uses these defaults; 0 = as fast as the source allows.
        "rate": Param(2000, type="number", minimum=0, description="records per second ceiling; 0 = none"),
        "count": Param(0, type="integer", minimum=0, description="stop after this many records; 0 = no limit"),
        "source": Param("auto", type="string", pattern=r"^(auto|builtin|https?://\S+)$"),
        # With a seed the source's pages are deterministic: a replay upserts the same users.
        "seed": Param("", type="string", pattern=r"^[A-Za-z0-9._-]*$", description="API seed; empty: none"),
        "kafka_brokers": Param(os.environ.get("USERSTREAM_KAFKA_BROKERS", "localhost:9092"), type="string", pattern=SAFE),
        "topic": Param(os.environ.get("USERSTREAM_TOPIC", "users_created"), type="string", pattern=SAFE),
        # The contract is registered there before the first message (none: no registry).
        "schema_registry_url": Param(
            os.environ.get("USERSTREAM_SCHEMA_REGISTRY_URL", "http://127.0.0.1:8085/apis/ccompat/v7"),
            type="string",
            pattern=r"^(none|https?://[A-Za-z0-9._:/-]+)$",
        ),
        "value_format": Param("json", type="string", enum=["json", "json-sr"], description="json, or Confluent's JSON Schema wire format"),
        # Credentials never go into a run's parameters (the UI shows them): a
        # file on the worker holds them, e.g. the secure stack's client.env.
        "env_file": Param("", type="string", pattern=r"^(|/[A-Za-z0-9._/-]+)$", description="USERSTREAM_* settings file on the worker"),
    },
    tags=["userstream"],
) as dag:
    BashOperator(
        task_id="stream_data_from_api",
        bash_command=(
            f'"{NODE}" "{CLI}" ingest'
            " --duration {{ params.duration }}"
            " --rate {{ params.rate }}"
            "{% if params.count %} --count {{ params.count }}{% endif %}"
            " --source '{{ params.source }}'"
            "{% if params.seed %} --seed '{{ params.seed }}'{% endif %}"
            " --kafka-brokers '{{ params.kafka_brokers }}'"
            " --topic '{{ params.topic }}'"
            " --schema-registry-url '{{ params.schema_registry_url }}'"
            " --value-format '{{ params.value_format }}'"
            "{% if params.env_file %} --env-file '{{ params.env_file }}'{% endif %}"
            # The summary again as one JSON line: how `userstream up` reads it from the task log.
            " --summary-json"
        ),
        # Plain-text log lines in the task log.
        env={"USERSTREAM_LOG_FORMAT": "text"},
        append_env=True,
    )
