/**
 * The Cassandra Java driver inside the Spark connector, set by the rules the
 * node driver follows (session.ts). Here rather than beside the Spark engine:
 * the stack starts the executors with these settings, and the stack does not
 * import the engines.
 */
import { SPECULATIVE_WRITE } from './session.ts';

/**
 * Settings of the Cassandra Java driver inside the connector that the
 * connector has no option for, as the driver's system properties
 * (`datastax-java-driver.*`, which it reads over its programmatic settings):
 * the executors' JVMs are started with them (the stack's Connect server sets
 * spark.executor.extraJavaOptions; on a cluster of your own, add them there).
 * Together they keep rows landing while a node has stopped answering without
 * closing its connections (the cluster suite's paused node):
 * - a slow write goes to the next replica too (SPECULATIVE_WRITE, the node
 *   engine's rule). The driver only does that for idempotent statements, and
 *   the connector marks its single writes but not its batches: statements
 *   that do not say are idempotent. True for every write userstream makes
 *   (whole-row upserts; no counters, no list appends).
 * - a statement is prepared on one node, not on all of them before the first
 *   write (the driver waits for each, up to the 120 s request timeout); a
 *   node that has not seen it answers UNPREPARED and the driver prepares it
 *   there then.
 * - an idle connection is checked every 5 s rather than 30 s, so a node that
 *   stopped answering is marked down and left out of the query plans sooner.
 */
export function sparkCassandraDriverProperties(): Record<string, string> {
  const d = 'datastax-java-driver';
  const speculative = `${d}.advanced.speculative-execution-policy`;
  return {
    [`${d}.basic.request.default-idempotence`]: 'true',
    [`${speculative}.class`]: 'ConstantSpeculativeExecutionPolicy',
    [`${speculative}.max-executions`]: String(1 + SPECULATIVE_WRITE.extraExecutions),
    [`${speculative}.delay`]: `${SPECULATIVE_WRITE.delayMs} milliseconds`,
    [`${d}.advanced.prepared-statements.prepare-on-all-nodes`]: 'false',
    [`${d}.advanced.heartbeat.interval`]: '5 seconds',
  };
}
