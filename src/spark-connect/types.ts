import type { DataType } from './gen/spark/connect/types_pb.js';

export interface StructField {
  name: string;
  /** Spark SQL's simple string of the type: `string`, `bigint`, `array<int>`, `struct<a:int>`. */
  type: string;
  nullable: boolean;
}

const SIMPLE: Record<string, string> = {
  null: 'void', binary: 'binary', boolean: 'boolean', byte: 'tinyint', short: 'smallint', integer: 'int', long: 'bigint',
  float: 'float', double: 'double', string: 'string', date: 'date', timestamp: 'timestamp', timestampNtz: 'timestamp_ntz',
  calendarInterval: 'interval', yearMonthInterval: 'interval year to month', dayTimeInterval: 'interval day to second',
};

/** A Spark Connect DataType as Spark SQL's simple string. */
export function dataTypeString(t: DataType): string {
  const k = t.kind;
  switch (k.case) {
    case 'decimal':
      return `decimal(${k.value.precision ?? 10},${k.value.scale ?? 0})`;
    case 'char':
      return `char(${k.value.length})`;
    case 'varChar':
      return `varchar(${k.value.length})`;
    case 'array':
      return `array<${k.value.elementType ? dataTypeString(k.value.elementType) : 'void'}>`;
    case 'map':
      return `map<${k.value.keyType ? dataTypeString(k.value.keyType) : 'void'},${k.value.valueType ? dataTypeString(k.value.valueType) : 'void'}>`;
    case 'struct':
      return `struct<${k.value.fields.map((f) => `${f.name}:${f.dataType ? dataTypeString(f.dataType) : 'void'}`).join(',')}>`;
    case 'udt':
      return k.value.sqlType ? dataTypeString(k.value.sqlType) : 'udt';
    case 'unparsed':
      return k.value.dataTypeString;
    case undefined:
      return 'unknown';
    default:
      return SIMPLE[k.case] ?? k.case;
  }
}
