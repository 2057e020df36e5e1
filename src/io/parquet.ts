/**
 * Parquet through `hyparquet`, one row group at a time (memory follows the row-group size, not
 * the file size): a label column and numeric score columns, interleaved into row blocks. Reads
 * from any `AsyncBuffer` (`{ byteLength, slice(start, end) }`): a local file in Node, a `File`
 * or a URL in a browser.
 */
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, SchemaElement } from 'hyparquet';
import { BLOCK_ROWS } from './arrow.js';
import type { TableBlock, TableOptions } from './arrow.js';
import { chooseColumns, interleave } from './columns.js';
import type { ColumnInfo, ColumnValues } from './columns.js';
import { InputError } from './errors.js';

/** Integer logical types that are numbers (not dates, times or decimals). */
const INTEGER_CONVERSIONS = new Set([undefined, 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64']);

/**
 * Streams the rows of a Parquet file.
 * @throws InputError `NAME: …` on unreadable data, a missing label column, nulls, or no rows
 */
export async function* readParquet(file: AsyncBuffer, options: TableOptions): AsyncGenerator<TableBlock, void, undefined> {
  const blockRows = options.blockRows ?? BLOCK_ROWS;
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InputError(`${options.name}: not a Parquet file (${(error as Error).message})`);
  }
  const top = parquetSchema(metadata).children.map((child) => info(child.element));
  const choice = chooseColumns(top, options.labelColumn, options.name);
  const wanted = [choice.label, ...choice.scores];
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    const groupEnd = groupStart + rows;
    const arrays = new Map(wanted.map((name, i) => [name, i === 0 || !choice.float32 ? new Float64Array(rows) : new Float32Array(rows)]));
    let nullRow = -1;
    let nullColumn = '';
    try {
      await parquetRead({
        file, metadata, columns: wanted, rowStart: groupStart, rowEnd: groupEnd,
        onChunk: ({ columnName, columnData, rowStart }) => {
          const out = arrays.get(columnName)!;
          for (let i = 0; i < columnData.length; i++) {
            const row = rowStart + i - groupStart;
            if (row < 0 || row >= rows) continue;
            const v = columnData[i] as number | bigint | null | undefined;
            if (v == null && (nullRow < 0 || row < nullRow)) {
              nullRow = row;
              nullColumn = columnName;
            }
            out[row] = Number(v);
          }
        },
      });
    } catch (error) {
      throw new InputError(`${options.name}: row ${groupStart}: unreadable Parquet data (${(error as Error).message})`);
    }
    if (nullRow >= 0) throw new InputError(`${options.name}: row ${groupStart + nullRow}: column ${JSON.stringify(nullColumn)} is null`);
    const label: ColumnValues = { values: arrays.get(choice.label)! };
    const scores = choice.scores.map((name): ColumnValues => ({ values: arrays.get(name)! }));
    for (let from = 0; from < rows; from += blockRows) {
      const to = Math.min(rows, from + blockRows);
      const block = interleave(label, scores, choice.scores, choice.float32, from, to, groupStart, options.name);
      yield { firstRow: groupStart + from, ...block, columns: choice.scores };
    }
    groupStart = groupEnd;
  }
  if (groupStart === 0) throw new InputError(`${options.name}: no data rows`);
}

function info(element: SchemaElement): ColumnInfo {
  const { type, converted_type: converted, logical_type: logical } = element;
  const float = type === 'FLOAT' || type === 'DOUBLE';
  const integer = (type === 'INT32' || type === 'INT64') && INTEGER_CONVERSIONS.has(converted)
    && (logical === undefined || logical.type === 'INTEGER');
  return { name: element.name, numeric: float || integer, float32: type === 'FLOAT' };
}
