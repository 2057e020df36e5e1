/**
 * Interrupts (Node only): on SIGINT or SIGTERM the run removes the temporary files it was writing
 * (`--per-row`, `--partial`: nothing partial is left) and exits 130 or 143, as shells expect.
 * Worker threads end with the process.
 */
import { unlinkSync } from 'node:fs';

const pending = new Set<string>();

/** Registers a temporary file for removal on interrupt; the returned function unregisters it. */
export function removeOnInterrupt(path: string): () => void {
  pending.add(path);
  return () => {
    pending.delete(path);
  };
}

export function handleInterrupts(): void {
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      for (const path of pending) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to remove.
        }
      }
      process.stderr.write(`xentropy: interrupted (${signal}); no output was written\n`);
      process.exit(status);
    });
  }
}
