/**
 * Which services of the local stack an engine needs: both engines read Kafka
 * and write Cassandra; the Spark engine also needs Spark (its master, workers
 * and Connect server, the stack's `spark` group). `userstream up` starts
 * them, the bench starts them for the engines it measures, and the
 * dashboard checks their health. The names are both stack names (a group
 * for spark) and health targets.
 */
import type { EngineName } from './index.ts';

export type EngineService = 'kafka' | 'cassandra' | 'spark';

/** The services the given engines need together, in start order, each once. */
export function engineServices(...engines: EngineName[]): EngineService[] {
  return ['kafka', 'cassandra', ...(engines.includes('spark') ? (['spark'] as const) : [])];
}

/**
 * What the ingest needs of the local stack besides Kafka: the Schema Registry
 * when one is configured (the producer registers the record schema before it
 * sends). `userstream up` and the bench's producer both ingest.
 */
export function ingestServices(schemaRegistryUrl: string | undefined): 'registry'[] {
  return schemaRegistryUrl === undefined ? [] : ['registry'];
}
