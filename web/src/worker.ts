/**
 * The scoring worker: reads, checks and scores files off the page's thread, so a file of a
 * million rows never freezes the page; large batches are scored on every core by a library pool
 * (pool-rows.ts); keeps the last file's rows for the per-row download and the benchmark.
 */
/// <reference lib="webworker" />
import { load } from 'xentropy';
import { InputError } from '../../src/io/errors.js';
import { benchmark } from './bench.js';
import { perRowCsv } from './per-row-csv.js';
import { poolRows } from './pool-rows.js';
import type { Request, Response } from './protocol.js';
import { scoreFiles } from './score-file.js';
import type { Scored } from './score-file.js';

declare const self: DedicatedWorkerGlobalScope;

let scored: Scored | undefined;
/** The threads that score large batches, started at the first one (they live as long as the page). */
let rows: ReturnType<typeof poolRows> | undefined;
/** The name of the file being scored, to find the line number in its error messages. */
let current = '';

function post(message: Response): void {
  self.postMessage(message);
}

function last(): Scored {
  if (scored === undefined) throw new Error('no file has been scored yet');
  return scored;
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const request = event.data;
  const id = request.id;
  try {
    switch (request.type) {
      case 'backend':
        post({ type: 'backend', id, backend: (await load()).backend });
        break;
      case 'score': {
        scored = undefined;
        current = request.files[0]?.name ?? '';
        rows ??= poolRows(await load());
        scored = await scoreFiles(
          request.files,
          request.options,
          (rows, bytes, totalBytes) => post({ type: 'progress', id, rows, bytes, totalBytes }),
          rows.add,
        );
        post({ type: 'report', id, report: scored.report });
        break;
      }
      case 'bench':
        post({ type: 'bench', id, bench: await benchmark(last().store, last().input, last().base) });
        break;
      case 'per-row':
        post({ type: 'per-row', id, blob: perRowCsv(last().store) });
        break;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    post({ type: 'error', id, message, line: error instanceof InputError ? lineOf(message) : undefined });
  }
};

/** The LINE of a `NAME:LINE: …` message (binary formats say `NAME: row R:` and have none). */
function lineOf(message: string): number | undefined {
  if (!message.startsWith(`${current}:`)) return undefined;
  const match = /^(\d+):/.exec(message.slice(current.length + 1));
  return match ? Number(match[1]) : undefined;
}
