/**
 * The progress bar on stderr (Node only): rows, MB/s and time left, on a terminal only; a pipe,
 * a file, `--no-progress` or `--quiet` gets nothing. The line fits the terminal's width: the bar
 * takes what the figures leave, and the figures are dropped one by one (the percentage first) when
 * even they do not fit. The cursor is hidden while it shows and given back on any exit
 * (interrupts included: see interrupt.ts).
 */
import { restoreOnExit } from './interrupt.js';

export interface Progress {
  /** `bytes` of the input and `rows` done (scored and merged, in input order). */
  update(bytes: number, rows: number): void;
  stop(): void;
}

const QUIET: Progress = { update() {}, stop() {} };

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const WRAP_ON = '\x1b[?7h';
const CLEAR_LINE = '\r\x1b[K';

/** Redraws at most this often (ms). */
const INTERVAL = 200;

export interface ProgressState {
  /** Done fraction, if the input's size is known. */
  fraction?: number;
  rows: number;
  megabytes: number;
  seconds: number;
}

/** `m:ss` or `h:mm:ss`. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * The progress line for a terminal `width` columns wide (one column is left free, so that the
 * cursor never wraps): `[####----] 42% 1,234 rows 56.7 MB/s 0:12 left`.
 */
export function progressLine(width: number, state: ProgressState): string {
  const { fraction, rows, megabytes, seconds } = state;
  const speed = megabytes / Math.max(seconds, 1e-3);
  const parts: string[] = [];
  const percent = fraction === undefined ? undefined : `${Math.floor(100 * Math.min(1, fraction))}%`;
  if (percent) parts.push(percent);
  parts.push(`${rows.toLocaleString('en-US')} rows`);
  parts.push(`${speed.toFixed(1)} MB/s`);
  if (fraction !== undefined && fraction > 0 && seconds > 0.5)
    parts.push(`${clock((seconds * (1 - fraction)) / fraction)} left`);
  else if (fraction === undefined) parts.push(`${megabytes.toFixed(1)} MB`);
  const room = width - 1;
  // Too narrow: the percentage goes first, then figures from the end, until they fit.
  let figures = parts.join(' ');
  while (figures.length > room && parts.length > 1) {
    if (parts[0] === percent) parts.shift();
    else parts.pop();
    figures = parts.join(' ');
  }
  if (figures.length > room) return figures.slice(0, Math.max(0, room));
  const barWidth = room - figures.length - 3;
  if (fraction === undefined || barWidth < 10) return figures;
  const filled = Math.round(barWidth * Math.min(1, fraction));
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${figures}`;
}

/** A bar for an input of `size` bytes (unknown for a stream: then rows, MB and speed). */
export async function progress(enabled: boolean, size: number | undefined): Promise<Progress> {
  const stream = process.stderr;
  // XENTROPY_PROGRESS_ON_PIPE=1 draws it on a pipe too (tests of the terminal's restore).
  if (!enabled || !(stream.isTTY || process.env.XENTROPY_PROGRESS_ON_PIPE === '1')) return QUIET;
  const started = performance.now();
  const known = size !== undefined && size > 0;
  // The first update is always drawn; later ones at most every INTERVAL.
  let last = Number.NEGATIVE_INFINITY;
  const forget = restoreOnExit(() => stream.write(CLEAR_LINE + SHOW_CURSOR + WRAP_ON));
  stream.write(HIDE_CURSOR);
  return {
    update(bytes, rows) {
      const now = performance.now();
      if (now - last < INTERVAL) return;
      last = now;
      const line = progressLine(stream.columns || 80, {
        fraction: known ? bytes / size : undefined,
        rows,
        megabytes: bytes / 1e6,
        seconds: (now - started) / 1000,
      });
      stream.write(CLEAR_LINE + line);
    },
    stop() {
      stream.write(CLEAR_LINE + SHOW_CURSOR);
      forget();
    },
  };
}
