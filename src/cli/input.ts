import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { UsageError } from './errors.js';

export type TextFormat = 'csv' | 'tsv';

/** Delimited text to score: its name in messages, its format, its text in chunks. */
export interface TextInput {
  name: string;
  format: TextFormat;
  chunks: AsyncIterable<string>;
}

/** Read size: large enough that per-chunk costs vanish, small enough to stream any file. */
const CHUNK_BYTES = 1 << 20;

/** Extensions of formats that API.md lists and a later version reads. */
const NOT_YET = new Set(['.npy', '.arrow', '.feather', '.parquet']);

/**
 * Opens a file (or stdin, for `-`) as UTF-8 text chunks.
 *
 * @param path the file to read, or `-` for stdin
 * @param name how messages name it (default: `path`)
 * @param format `csv` or `tsv`; by default from the extension (`.tsv`, `.tab`), else CSV
 * @throws UsageError if the file cannot be opened or its format is not read yet
 */
export async function openInput(path: string, name = path, format?: TextFormat): Promise<TextInput> {
  if (path === '-') {
    process.stdin.setEncoding('utf8');
    return { name: '-', format: format ?? 'csv', chunks: process.stdin };
  }
  format ??= formatOf(path);
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${name}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new UsageError(`cannot read ${name}: it is a directory`);
  }
  return { name, format, chunks: handle.createReadStream({ encoding: 'utf8', highWaterMark: CHUNK_BYTES }) };
}

function formatOf(path: string): TextFormat {
  const ext = extname(path).toLowerCase();
  if (NOT_YET.has(ext)) throw new UsageError(`cannot read ${path}: ${ext} files are not supported yet (CSV and TSV are)`);
  return ext === '.tsv' || ext === '.tab' ? 'tsv' : 'csv';
}
