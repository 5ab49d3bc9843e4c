import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Metadata, status } from '@grpc/grpc-js';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { parseConnectUrl } from '../../../src/spark-connect/client.ts';
import { errorClassOf, fromGrpcError, SparkAnalysisError, SparkParseError, SparkUnavailableError } from '../../../src/spark-connect/errors.ts';
import { ErrorInfoSchema } from '../../../src/spark-connect/gen/google/rpc/error_details_pb.js';
import { StatusSchema } from '../../../src/spark-connect/gen/google/rpc/status_pb.js';
import { CommandSchema } from '../../../src/spark-connect/gen/spark/connect/commands_pb.js';
import { RelationSchema } from '../../../src/spark-connect/gen/spark/connect/relations_pb.js';
import { DataTypeSchema } from '../../../src/spark-connect/gen/spark/connect/types_pb.js';
import * as p from '../../../src/spark-connect/plan.ts';
import { dataTypeString } from '../../../src/spark-connect/types.ts';

/** Builds the message and round-trips it through the wire format, as the server will read it. */
const wire = (init: p.RelationInit) => fromBinary(RelationSchema, toBinary(RelationSchema, create(RelationSchema, init)));

test('sc:// URLs: host, default port, parameters, headers', () => {
  const a = parseConnectUrl('sc://localhost');
  assert.equal(a.host, 'localhost');
  assert.equal(a.port, 15002);
  assert.equal(a.useSsl, false);
  const b = parseConnectUrl('sc://spark.example.com:443/;token=abc;user_id=ana;x-trace=1');
  assert.deepEqual([b.host, b.port, b.token, b.userId, b.useSsl], ['spark.example.com', 443, 'abc', 'ana', true]);
  assert.deepEqual(b.headers, { 'x-trace': '1' });
  assert.equal(parseConnectUrl('sc://[::1]:15003').host, '[::1]');
  assert.equal(parseConnectUrl('sc://h/;session_id=0b7e8a0c-2a1f-4c1e-9d44-6f0b4b2f7f11').sessionId, '0b7e8a0c-2a1f-4c1e-9d44-6f0b4b2f7f11');
  assert.throws(() => parseConnectUrl('http://localhost:15002'), /expected sc:\/\/host/);
  assert.throws(() => parseConnectUrl('sc://h:99999'), /invalid port/);
  assert.throws(() => parseConnectUrl('sc://h/;session_id=abc'), /must be a UUID/);
  assert.throws(() => parseConnectUrl('sc://h/;novalue'), /key=value/);
});

test('a projection over a filter over a range survives the wire', () => {
  const plan = wire(p.project(p.filter(p.range(0n, 10n), p.expr('id > 3')), [p.column('id'), p.expr('id * 2 AS twice'), p.column('*')]));
  assert.equal(plan.relType.case, 'project');
  if (plan.relType.case !== 'project') return;
  const [id, twice, star] = plan.relType.value.expressions;
  assert.deepEqual(id?.exprType.case === 'unresolvedAttribute' && id.exprType.value.unparsedIdentifier, 'id');
  assert.deepEqual(twice?.exprType.case === 'expressionString' && twice.exprType.value.expression, 'id * 2 AS twice');
  assert.equal(star?.exprType.case, 'unresolvedStar');
  const filter = plan.relType.value.input?.relType;
  assert.equal(filter?.case, 'filter');
  if (filter?.case !== 'filter') return;
  assert.equal(filter.value.input?.relType.case, 'range');
  if (filter.value.input?.relType.case === 'range') assert.equal(filter.value.input.relType.value.end, 10n);
});

test('every relation gets its own plan id', () => {
  const a = wire(p.range(0n, 1n));
  const b = wire(p.range(0n, 1n));
  assert.notEqual(a.common?.planId, b.common?.planId);
});

test('literals take the narrowest Spark type', () => {
  const kind = (v: Parameters<typeof p.literal>[0]) => {
    const e = p.literal(v).exprType as { value: { literalType: { case: string } } };
    return e.value.literalType.case;
  };
  assert.equal(kind(1), 'integer');
  assert.equal(kind(2 ** 40), 'double');
  assert.equal(kind(1.5), 'double');
  assert.equal(kind(5n), 'long');
  assert.equal(kind('x'), 'string');
  assert.equal(kind(true), 'boolean');
  assert.equal(kind(null), 'null');
});

test('count is an ungrouped aggregate of count(1)', () => {
  const plan = wire(p.countAll(p.range(0n, 5n)));
  assert.equal(plan.relType.case, 'aggregate');
  if (plan.relType.case !== 'aggregate') return;
  assert.equal(plan.relType.value.groupingExpressions.length, 0);
  const [agg] = plan.relType.value.aggregateExpressions;
  assert.equal(agg?.exprType.case, 'alias');
});

test('a streaming Kafka read and a Cassandra writeStream command', () => {
  const source = p.read({ format: 'kafka', options: { subscribe: 'users_created' }, streaming: true, schema: 'value BINARY' });
  const read = wire(source);
  assert.equal(read.relType.case, 'read');
  if (read.relType.case !== 'read') return;
  assert.equal(read.relType.value.isStreaming, true);
  assert.equal(read.relType.value.readType.case, 'dataSource');
  if (read.relType.value.readType.case === 'dataSource') {
    assert.equal(read.relType.value.readType.value.format, 'kafka');
    assert.deepEqual(read.relType.value.readType.value.options, { subscribe: 'users_created' });
    assert.equal(read.relType.value.readType.value.schema, 'value BINARY');
  }
  const command = fromBinary(
    CommandSchema,
    toBinary(CommandSchema, create(CommandSchema, p.writeStreamStart({
      input: source, format: 'org.apache.spark.sql.cassandra', options: { keyspace: 'ks', checkpointLocation: '/tmp/c' },
      outputMode: 'append', trigger: { processingTime: '2 seconds' }, queryName: 'q',
    }))),
  );
  assert.equal(command.commandType.case, 'writeStreamOperationStart');
  if (command.commandType.case !== 'writeStreamOperationStart') return;
  const w = command.commandType.value;
  assert.deepEqual([w.format, w.outputMode, w.queryName, w.options.keyspace], ['org.apache.spark.sql.cassandra', 'append', 'q', 'ks']);
  assert.deepEqual(w.trigger, { case: 'processingTimeInterval', value: '2 seconds' });
  assert.deepEqual(p.triggerInit({ availableNow: true }), { case: 'availableNow', value: true });
});

test('streaming query commands name the query and the command', () => {
  const c = create(CommandSchema, p.streamingQueryCommand('id-1', 'run-1', { awaitTermination: { timeoutMs: 500n } }));
  assert.equal(c.commandType.case, 'streamingQueryCommand');
  if (c.commandType.case !== 'streamingQueryCommand') return;
  assert.deepEqual([c.commandType.value.queryId?.id, c.commandType.value.queryId?.runId], ['id-1', 'run-1']);
  assert.equal(c.commandType.value.command.case, 'awaitTermination');
  const stop = create(CommandSchema, p.streamingQueryCommand('i', 'r', 'stop'));
  assert.deepEqual(stop.commandType.case === 'streamingQueryCommand' && stop.commandType.value.command, { case: 'stop', value: true });
});

test('Spark types print as Spark SQL simple strings', () => {
  const t = create(DataTypeSchema, {
    kind: {
      case: 'struct',
      value: {
        fields: [
          { name: 'id', dataType: { kind: { case: 'string', value: {} } }, nullable: true },
          { name: 'n', dataType: { kind: { case: 'long', value: {} } }, nullable: false },
          { name: 'xs', dataType: { kind: { case: 'array', value: { elementType: { kind: { case: 'integer', value: {} } } } } }, nullable: true },
          { name: 'd', dataType: { kind: { case: 'decimal', value: { precision: 10, scale: 2 } } }, nullable: true },
        ],
      },
    },
  });
  assert.equal(dataTypeString(t), 'struct<id:string,n:bigint,xs:array<int>,d:decimal(10,2)>');
});

test('gRPC failures become typed errors with Spark error class and exception classes', () => {
  const info = create(ErrorInfoSchema, {
    reason: 'org.apache.spark.sql.AnalysisException',
    domain: 'org.apache.spark',
    metadata: { classes: JSON.stringify(['org.apache.spark.sql.catalyst.ExtendedAnalysisException', 'org.apache.spark.sql.AnalysisException']), errorClass: 'TABLE_OR_VIEW_NOT_FOUND' },
  });
  const st = create(StatusSchema, { code: status.INTERNAL, message: '[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.', details: [anyPack(ErrorInfoSchema, info)] });
  const md = new Metadata();
  md.set('grpc-status-details-bin', Buffer.from(toBinary(StatusSchema, st)));
  const e = fromGrpcError({ code: status.INTERNAL, details: 'short', metadata: md }, 'ExecutePlan');
  assert.ok(e instanceof SparkAnalysisError);
  assert.equal(e.errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
  assert.match(e.message, /`nope` cannot be found/);
  assert.equal(e.transient, false);

  const parse = fromGrpcError({ code: status.INTERNAL, details: '\n[PARSE_SYNTAX_ERROR] Syntax error', metadata: withClasses(['org.apache.spark.sql.catalyst.parser.ParseException']) }, 'x');
  assert.ok(parse instanceof SparkParseError);
  assert.equal(parse.errorClass, 'PARSE_SYNTAX_ERROR');

  const down = fromGrpcError({ code: status.UNAVAILABLE, details: 'connect ECONNREFUSED 127.0.0.1:15002', metadata: new Metadata() }, 'AnalyzePlan on sc://127.0.0.1:15002');
  assert.ok(down instanceof SparkUnavailableError);
  assert.equal(down.transient, true);
  assert.match(down.message, /^AnalyzePlan on sc:\/\/127\.0\.0\.1:15002: Spark Connect is unavailable/);

  assert.equal(errorClassOf('[A.B_C] x'), 'A.B_C');
  assert.equal(errorClassOf('no class here'), undefined);
});

function withClasses(classes: string[]): Metadata {
  const st = create(StatusSchema, {
    code: status.INTERNAL,
    details: [anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: classes[0]!, metadata: { classes: JSON.stringify(classes) } }))],
  });
  const md = new Metadata();
  md.set('grpc-status-details-bin', Buffer.from(toBinary(StatusSchema, st)));
  return md;
}
