/**
 * Apache Arrow IPC (file or stream format) through `apache-arrow`, one record batch at a time:
 * a label column and numeric score columns, interleaved into row blocks. Works on whatever
 * `RecordBatchReader.from` takes: a Node `FileHandle` (the file format read batch by batch by
 * random access), a `Uint8Array`, a `fetch` Response or a stream of bytes.
 */
import { DataType, Precision, RecordBatchReader } from 'apache-arrow';
import type { Field, Vector } from 'apache-arrow';
import { LabelResolver, chooseColumns, failIn, interleave } from './columns.js';
import type { BufferSource, ColumnChoice, ColumnInfo, ColumnRequest, ColumnValues, Layout } from './columns.js';
import { InputError } from './errors.js';

export interface TableOptions extends ColumnRequest {
  /** Name in messages. */
  name: string;
  /** Rows per block at most (default 65536): a huge record batch is handed on in slices. */
  blockRows?: number;
  /** Memory for the blocks (default: fresh arrays). */
  pool?: BufferSource;
}

/** Rows of a columnar file, with the columns chosen. */
export interface TableBlock {
  firstRow: number;
  /** 0-based classes (binary: 1 positive, 0 negative); zeros for multilabel. */
  labels: Float64Array;
  /** Rows of values laid out as `layout` says. */
  scores: Float32Array | Float64Array;
  /** The value columns of a row. */
  columns: readonly string[];
  layout: Layout;
  /** Class names in column order (binary: negative, then positive, the negative once seen). */
  names?: readonly string[];
}

export const BLOCK_ROWS = 65536;

/**
 * Streams the rows of an Arrow IPC source.
 * @throws InputError `NAME: …` on unreadable data, a missing label column, nulls, or no rows
 */
export async function* readArrow(
  source: Parameters<typeof RecordBatchReader.from>[0], options: TableOptions,
): AsyncGenerator<TableBlock, void, undefined> {
  const blockRows = options.blockRows ?? BLOCK_ROWS;
  let reader: RecordBatchReader;
  try {
    reader = await RecordBatchReader.from(source as never);
    await reader.open();
  } catch (error) {
    throw new InputError(`${options.name}: not an Arrow IPC file (${(error as Error).message})`);
  }
  let choice: ColumnChoice | undefined;
  let resolver: LabelResolver | undefined;
  let firstRow = 0;
  const batches = reader[Symbol.asyncIterator]();
  for (;;) {
    let next;
    try {
      next = await batches.next();
    } catch (error) {
      throw new InputError(`${options.name}: row ${firstRow}: unreadable Arrow data (${(error as Error).message})`);
    }
    if (next.done) break;
    const batch = next.value;
    if (choice === undefined) {
      choice = chooseColumns(batch.schema.fields.map(info), options, failIn(options.name));
      resolver = choice.labels && new LabelResolver(choice.labels);
    }
    const label = choice.label === undefined ? undefined : values(batch.getChild(choice.label)!);
    const scores = choice.values.map((c) => values(batch.getChild(c)!));
    for (let from = 0; from < batch.numRows; from += blockRows) {
      const to = Math.min(batch.numRows, from + blockRows);
      const block = interleave(label, scores, choice.values, choice.float32, from, to, firstRow, options.name, options.pool, resolver);
      yield { firstRow: firstRow + from, ...block, columns: choice.values, layout: choice.layout, names: blockNames(choice, resolver) };
    }
    firstRow += batch.numRows;
  }
  if (choice === undefined) {
    // No batch: the schema alone still says whether the columns were right.
    chooseColumns(reader.schema?.fields.map(info) ?? [], options, failIn(options.name));
  }
  if (firstRow === 0) throw new InputError(`${options.name}: no data rows`);
}

/** The class names a block's labels refer to (binary: negative, then positive). */
export function blockNames(choice: ColumnChoice, resolver: LabelResolver | undefined): string[] | undefined {
  if (!choice.labels) return undefined;
  if (choice.layout.task === 'binary') return [resolver?.negative ?? '', choice.labels.names[0]];
  return choice.labels.names;
}

function info(field: Field): ColumnInfo {
  const type = field.type;
  const float = DataType.isFloat(type) && type.precision !== Precision.HALF;
  const text = DataType.isUtf8(type) || DataType.isLargeUtf8(type) || (DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary)));
  return { name: field.name, numeric: float || DataType.isInt(type), float32: float && type.precision === Precision.SINGLE, text };
}

function values(vector: Vector): ColumnValues {
  const type = vector.type;
  // Text labels (plain or dictionary-encoded) as strings; numbers as their typed array.
  const text = DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type);
  return {
    values: text ? (Array.from(vector) as Array<string | null>) : (vector.toArray() as ArrayLike<number | bigint>),
    isNull: vector.nullCount > 0 ? (i) => !vector.isValid(i) : undefined,
  };
}
