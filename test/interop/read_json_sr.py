"""Reads userstream's json-sr messages the way a Confluent client does.

A client nobody in this project wrote: confluent-kafka's Consumer and its
Schema Registry JSON deserializer, which takes the schema id from each
message's 5-byte header, fetches that schema from the registry and validates
the JSON against it. Prints one JSON line per message:
{"schema_id": N, "key": "...", "record": {...}}.

usage: read_json_sr.py <brokers> <topic> <registry-url> <count> [timeout-seconds]
"""

import json
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaException
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def main() -> None:
    brokers, topic, registry, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0
    deserialize = JSONDeserializer(None, schema_registry_client=SchemaRegistryClient({"url": registry}))
    consumer = Consumer(
        {
            "bootstrap.servers": brokers,
            "group.id": f"interop-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    deadline = time.monotonic() + timeout
    read = 0
    try:
        while read < count:
            if time.monotonic() > deadline:
                sys.exit(f"read {read} of {count} messages in {timeout} s")
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                raise KafkaException(message.error())
            value = message.value()
            record = deserialize(value, SerializationContext(topic, MessageField.VALUE))
            key = message.key().decode() if message.key() is not None else None
            print(json.dumps({"schema_id": int.from_bytes(value[1:5], "big"), "key": key, "record": record}), flush=True)
            read += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
