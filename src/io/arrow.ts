/**
 * Apache Arrow IPC (file or stream format) through `apache-arrow`, one record batch at a time:
 * a label column and numeric score columns, interleaved into row blocks. Works on whatever
 * `RecordBatchReader.from` takes: a Node `FileHandle` (the file format read batch by batch by
 * random access), a `Uint8Array`, a `fetch` Response or a stream of bytes.
 */
import { DataType, Precision, RecordBatchReader } from 'apache-arrow';
import type { Field, Vector } from 'apache-arrow';
import { chooseColumns, interleave } from './columns.js';
import type { BufferSource, ColumnChoice, ColumnInfo, ColumnValues } from './columns.js';
import { InputError } from './errors.js';

export interface TableOptions {
  /** Name in messages. */
  name: string;
  labelColumn: string;
  /** Rows per block at most (default 65536): a huge record batch is handed on in slices. */
  blockRows?: number;
  /** Memory for the blocks (default: fresh arrays). */
  pool?: BufferSource;
}

/** Rows of a columnar file, with the columns chosen. */
export interface TableBlock {
  firstRow: number;
  labels: Float64Array;
  scores: Float32Array | Float64Array;
  columns: readonly string[];
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
    choice ??= chooseColumns(batch.schema.fields.map(info), options.labelColumn, options.name);
    const label = values(batch.getChild(choice.label)!);
    const scores = choice.scores.map((c) => values(batch.getChild(c)!));
    for (let from = 0; from < batch.numRows; from += blockRows) {
      const to = Math.min(batch.numRows, from + blockRows);
      const block = interleave(label, scores, choice.scores, choice.float32, from, to, firstRow, options.name, options.pool);
      yield { firstRow: firstRow + from, ...block, columns: choice.scores };
    }
    firstRow += batch.numRows;
  }
  if (choice === undefined) {
    // No batch: the schema alone still says whether the columns were right.
    chooseColumns(reader.schema?.fields.map(info) ?? [], options.labelColumn, options.name);
  }
  if (firstRow === 0) throw new InputError(`${options.name}: no data rows`);
}

function info(field: Field): ColumnInfo {
  const type = field.type;
  const float = DataType.isFloat(type) && type.precision !== Precision.HALF;
  return { name: field.name, numeric: float || DataType.isInt(type), float32: float && type.precision === Precision.SINGLE };
}

function values(vector: Vector): ColumnValues {
  return {
    values: vector.toArray() as ArrayLike<number | bigint>,
    isNull: vector.nullCount > 0 ? (i) => !vector.isValid(i) : undefined,
  };
}
