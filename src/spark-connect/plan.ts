/**
 * Plan building: the pure part of the client. Each function returns a
 * protobuf init shape (plain objects) for a Relation, Expression or Command;
 * nothing here talks to a server, so all of it is unit-tested.
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { CommandSchema } from './gen/spark/connect/commands_pb.js';
import type { ExpressionSchema } from './gen/spark/connect/expressions_pb.js';
import type { RelationSchema } from './gen/spark/connect/relations_pb.js';

export type RelationInit = MessageInitShape<typeof RelationSchema>;
export type ExpressionInit = MessageInitShape<typeof ExpressionSchema>;
export type CommandInit = MessageInitShape<typeof CommandSchema>;

/** Gives every relation a plan id, as the Spark clients do (used to resolve columns by DataFrame). */
let nextPlanId = 0n;
function rel(relType: RelationInit['relType']): RelationInit {
  return { common: { planId: nextPlanId++ }, relType } as RelationInit;
}

export const sql = (query: string, args: Record<string, string> = {}): RelationInit =>
  rel({ case: 'sql', value: { query, ...(Object.keys(args).length > 0 ? { args: literalMap(args) } : {}) } });

function literalMap(args: Record<string, string>) {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, { literalType: { case: 'string' as const, value: v } }]));
}

export const range = (start: bigint, end: bigint, step = 1n, numPartitions?: number): RelationInit =>
  rel({ case: 'range', value: { start, end, step, ...(numPartitions === undefined ? {} : { numPartitions }) } });

/** A column by name (`a`, `a.b`, `` `odd name` ``), `*` for all, or `t.*`. */
export function column(name: string): ExpressionInit {
  if (name === '*') return { exprType: { case: 'unresolvedStar', value: {} } };
  if (name.endsWith('.*')) return { exprType: { case: 'unresolvedStar', value: { unparsedTarget: name } } };
  return { exprType: { case: 'unresolvedAttribute', value: { unparsedIdentifier: name } } };
}

/** A SQL expression string, parsed by the server (`upper(name) AS n`). */
export const expr = (expression: string): ExpressionInit => ({ exprType: { case: 'expressionString', value: { expression } } });

export const alias = (e: ExpressionInit, name: string): ExpressionInit => ({ exprType: { case: 'alias', value: { expr: e, name: [name] } } });

export function literal(value: string | number | bigint | boolean | null): ExpressionInit {
  if (value === null) return { exprType: { case: 'literal', value: { literalType: { case: 'null', value: {} } } } };
  if (typeof value === 'string') return { exprType: { case: 'literal', value: { literalType: { case: 'string', value } } } };
  if (typeof value === 'boolean') return { exprType: { case: 'literal', value: { literalType: { case: 'boolean', value } } } };
  if (typeof value === 'bigint') return { exprType: { case: 'literal', value: { literalType: { case: 'long', value } } } };
  if (Number.isInteger(value) && Math.abs(value) <= 2 ** 31 - 1) {
    return { exprType: { case: 'literal', value: { literalType: { case: 'integer', value } } } };
  }
  return { exprType: { case: 'literal', value: { literalType: { case: 'double', value } } } };
}

export const call = (functionName: string, ...args: ExpressionInit[]): ExpressionInit => ({
  exprType: { case: 'unresolvedFunction', value: { functionName, arguments: args } },
});

export const project = (input: RelationInit, expressions: ExpressionInit[]): RelationInit =>
  rel({ case: 'project', value: { input, expressions } });

export const filter = (input: RelationInit, condition: ExpressionInit): RelationInit =>
  rel({ case: 'filter', value: { input, condition } });

export const withColumns = (input: RelationInit, columns: [string, ExpressionInit][]): RelationInit =>
  rel({ case: 'withColumns', value: { input, aliases: columns.map(([name, e]) => ({ expr: e, name: [name] })) } });

export const limit = (input: RelationInit, n: number): RelationInit => rel({ case: 'limit', value: { input, limit: n } });

/** `Dataset.observe`: named aggregate metrics of the rows that pass (per micro-batch in a streaming query's progress). */
export const collectMetrics = (input: RelationInit, name: string, metrics: ExpressionInit[]): RelationInit =>
  rel({ case: 'collectMetrics', value: { input, name, metrics } });

/** `SELECT count(1) FROM input` as an aggregate without grouping. */
export const countAll = (input: RelationInit): RelationInit =>
  rel({
    case: 'aggregate',
    value: { input, groupType: 1 /* GROUPBY */, groupingExpressions: [], aggregateExpressions: [alias(call('count', literal(1)), 'count')] },
  });

export const showString = (input: RelationInit, numRows: number, truncate: number, vertical: boolean): RelationInit =>
  rel({ case: 'showString', value: { input, numRows, truncate, vertical } });

export interface ReadOptions {
  format: string;
  /** DDL (`a INT, b STRING`) or JSON schema string. */
  schema?: string | undefined;
  options: Record<string, string>;
  paths?: string[];
  streaming: boolean;
}

export const read = (o: ReadOptions): RelationInit =>
  rel({
    case: 'read',
    value: {
      isStreaming: o.streaming,
      readType: {
        case: 'dataSource',
        value: { format: o.format, options: o.options, paths: o.paths ?? [], ...(o.schema === undefined ? {} : { schema: o.schema }) },
      },
    },
  });

export type Trigger =
  | { processingTime: string }
  | { availableNow: true }
  | { once: true }
  | { continuous: string };

export interface WriteStreamOptions {
  input: RelationInit;
  format?: string | undefined;
  options: Record<string, string>;
  outputMode?: string | undefined;
  trigger?: Trigger | undefined;
  queryName?: string | undefined;
  path?: string | undefined;
  tableName?: string | undefined;
  partitionBy?: string[];
}

export function triggerInit(t: Trigger | undefined) {
  if (t === undefined) return undefined;
  if ('processingTime' in t) return { case: 'processingTimeInterval' as const, value: t.processingTime };
  if ('availableNow' in t) return { case: 'availableNow' as const, value: true };
  if ('once' in t) return { case: 'once' as const, value: true };
  return { case: 'continuousCheckpointInterval' as const, value: t.continuous };
}

export function writeStreamStart(o: WriteStreamOptions): CommandInit {
  const trigger = triggerInit(o.trigger);
  const sink =
    o.path !== undefined
      ? { case: 'path' as const, value: o.path }
      : o.tableName !== undefined
        ? { case: 'tableName' as const, value: o.tableName }
        : undefined;
  return {
    commandType: {
      case: 'writeStreamOperationStart',
      value: {
        input: o.input,
        format: o.format ?? '',
        options: o.options,
        partitioningColumnNames: o.partitionBy ?? [],
        outputMode: o.outputMode ?? '',
        queryName: o.queryName ?? '',
        ...(trigger ? { trigger } : {}),
        ...(sink ? { sinkDestination: sink } : {}),
      },
    },
  } as CommandInit;
}

export type QueryCommand =
  | 'status'
  | 'lastProgress'
  | 'recentProgress'
  | 'stop'
  | 'processAllAvailable'
  | 'exception'
  | { awaitTermination: { timeoutMs?: bigint } };

export function streamingQueryCommand(id: string, runId: string, command: QueryCommand): CommandInit {
  const c =
    typeof command === 'string'
      ? { case: command, value: true }
      : { case: 'awaitTermination' as const, value: command.awaitTermination };
  return { commandType: { case: 'streamingQueryCommand', value: { queryId: { id, runId }, command: c } } } as CommandInit;
}

export const activeQueriesCommand = (): CommandInit =>
  ({ commandType: { case: 'streamingQueryManagerCommand', value: { command: { case: 'active', value: true } } } }) as CommandInit;
