/**
 * Interrupts (Node only): on SIGINT, SIGTERM or SIGHUP the run removes the temporary files it was
 * writing (`--per-row`, `--partial`: nothing partial is left), gives the terminal back as it found
 * it (the progress bar hides the cursor and turns line wrap off), and exits 130, 143 or 129, as
 * shells expect. Worker threads end with the process.
 */
import { unlinkSync } from 'node:fs';

const pending = new Set<string>();
const restores = new Set<() => void>();

/** Registers a temporary file for removal on interrupt; the returned function unregisters it. */
export function removeOnInterrupt(path: string): () => void {
  pending.add(path);
  return () => {
    pending.delete(path);
  };
}

/** Registers a terminal restore (cursor shown, line wrap on) to run on any exit; the returned function unregisters it. */
export function restoreOnExit(restore: () => void): () => void {
  restores.add(restore);
  return () => {
    restores.delete(restore);
  };
}

function cleanUp(): void {
  for (const restore of restores) {
    try {
      restore();
    } catch {
      // The terminal went away: nothing to restore.
    }
  }
  restores.clear();
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing to remove.
    }
  }
  pending.clear();
}

/** Ends the process at once with `status`, after the same clean-up as an interrupt (a reader that went away). */
export function quietExit(status: number): never {
  cleanUp();
  process.exit(status);
}

export const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const;

export function handleInterrupts(): void {
  for (const [signal, status] of SIGNALS) {
    process.once(signal, () => {
      cleanUp();
      try {
        process.stderr.write(`xentropy: interrupted (${signal}); no output was written\n`);
      } catch {
        // After a hang-up the terminal may be gone.
      }
      process.exit(status);
    });
  }
  // Whatever ends the process, the terminal is given back.
  process.on('exit', () => {
    for (const restore of restores) {
      try {
        restore();
      } catch {
        // Nothing to restore to.
      }
    }
  });
}
