/**
 * The progress bar on stderr (Node only): rows, MB/s and time left, on a terminal only; a pipe,
 * a file or `--no-progress` gets nothing.
 */

export interface Progress {
  update(bytes: number, rows: number): void;
  stop(): void;
}

const QUIET: Progress = { update() {}, stop() {} };

/** A bar for an input of `size` bytes (unknown for stdin: then rows and speed only). */
export async function progress(enabled: boolean, size: number | undefined): Promise<Progress> {
  if (!enabled || !process.stderr.isTTY) return QUIET;
  const { SingleBar } = (await import('cli-progress')).default;
  const started = performance.now();
  const known = size !== undefined && size > 0;
  const bar = new SingleBar({
    stream: process.stderr,
    format: known
      ? ' {bar} {percentage}% | {rows} rows | {speed} MB/s | ETA {eta_formatted}'
      : ' {rows} rows | {mb} MB | {speed} MB/s',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
    fps: 5,
  });
  bar.start(known ? size : 1, 0, { rows: 0, speed: '0', mb: '0' });
  return {
    update(bytes, rows) {
      const seconds = (performance.now() - started) / 1000;
      const mb = bytes / 1e6;
      bar.update(known ? bytes : 0, { rows: rows.toLocaleString('en-US'), speed: (mb / Math.max(seconds, 1e-3)).toFixed(1), mb: mb.toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}
