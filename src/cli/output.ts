/**
 * Where `--per-row` and `--partial` output goes (Node only; API.md "Where output goes"):
 * - `-` is stdout;
 * - a path that is not a regular file (a pipe, a FIFO, a device such as /dev/null, anything
 *   under /dev or /proc such as /dev/stdout or a process substitution's /dev/fd/N) is opened and
 *   written in place, never replaced;
 * - a regular file (or a new one) is written through a temporary file in its folder, renamed over
 *   it only on success; a symbolic link is followed (the file it points to is replaced, the link
 *   stays);
 * - a path that is one of the inputs (the same device and inode, however it is spelled) is refused.
 * The target is opened before scoring, so an unwritable one fails at once.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, readlink, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../io/errors.js';
import { quietExit, removeOnInterrupt } from './interrupt.js';

/** A write error on an output (exit status 1): one line naming the path. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** An errno code in words (never the raw `ENOSPC: no space left on device, write`). */
export function errnoText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EFBIG':
      return 'the file is too large';
    case 'EIO':
      return 'an input/output error';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ENXIO':
      return 'no reader on the other end';
    default:
      return e?.code ?? (e instanceof Error ? e.message.split('\n')[0] : String(error));
  }
}

/** An input's identity, to refuse an output that would overwrite it. */
export interface InputIdentity {
  name: string;
  dev: number;
  ino: number;
}

/** The identities of the input files that exist (stdin and missing files have none). */
export async function identities(paths: Array<string | undefined>): Promise<InputIdentity[]> {
  const out: InputIdentity[] = [];
  for (const name of paths) {
    if (name === undefined || name === '-') continue;
    const s = await stat(name).catch(() => undefined);
    if (s?.isFile()) out.push({ name, dev: s.dev, ino: s.ino });
  }
  return out;
}

/** The path a chain of symbolic links ends at (the link's own path if it is not one). */
async function followLinks(path: string): Promise<string> {
  let at = path;
  for (let hop = 0; hop < 40; hop++) {
    const s = await lstat(at).catch(() => undefined);
    if (!s?.isSymbolicLink()) return at;
    const to = await readlink(at);
    at = isAbsolute(to) ? to : resolve(dirname(at), to);
  }
  throw Object.assign(new Error('ELOOP'), { code: 'ELOOP' });
}

/** A text output being written: to stdout, in place, or to a temporary file renamed at the end. */
export class Output {
  private forget: () => void = () => undefined;
  private failed: Error | undefined;

  private constructor(
    /** The path as given (for messages). */
    readonly path: string,
    private readonly handle: FileHandle | undefined,
    /** For a regular file: the temporary file, and the file it replaces. */
    private readonly temp?: string,
    private readonly target?: string,
  ) {}

  /** Stdout (for `-`). */
  get toStdout(): boolean {
    return this.handle === undefined;
  }

  /**
   * Opens an output before anything is scored.
   * @throws UsageError if it is one of the inputs or its folder does not exist; OutputError if it
   *   cannot be written (a directory, no permission, a read-only file system)
   */
  static async open(path: string, inputs: readonly InputIdentity[]): Promise<Output> {
    if (path === '-') return new Output(path, undefined);
    const fail = (error: unknown): never => {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new UsageError(`cannot write ${path}: no such directory`);
      throw new OutputError(`cannot write ${path}: ${errnoText(e)}`);
    };
    // /dev/stdout, /dev/fd/N (a process substitution), /proc/self/fd/N: links the kernel
    // resolves itself (to a pipe, a terminal, or the file a shell redirected to): opened as named.
    const special = /^\/(dev|proc)\//.test(path);
    const target = special ? path : await followLinks(path).catch(fail);
    const existing = await stat(target).catch(() => undefined);
    if (existing) {
      const same = inputs.find((i) => i.dev === existing.dev && i.ino === existing.ino);
      if (same)
        throw new UsageError(
          `${path} is the input ${same.name}: writing it would destroy the input (choose another output)`,
        );
      if (existing.isDirectory()) fail(Object.assign(new Error(), { code: 'EISDIR' }));
    }
    const inPlace = special || (existing !== undefined && !existing.isFile()) || /^\/(dev|proc)\//.test(target);
    if (inPlace) {
      // A pipe, FIFO or device: written where it is (a FIFO waits here for its reader).
      // Appending: a shell's `>> file` behind /dev/stdout keeps what it holds (O_TRUNC would not).
      const handle = await open(target, 'a').catch(fail);
      return new Output(path, handle);
    }
    if (existing) await access(target, constants.W_OK).catch(fail);
    const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    // Registered before the file exists: an interrupt that lands while it is being created removes it too.
    const forget = removeOnInterrupt(temp);
    const handle = await open(temp, 'wx').catch((error: unknown) => {
      forget();
      return fail(error);
    });
    const output = new Output(path, handle, temp, target);
    output.forget = forget;
    return output;
  }

  /**
   * Appends text or bytes. A reader that went away (EPIPE) ends the run quietly; any other
   * error is an OutputError naming the path.
   */
  async write(data: string | Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    try {
      if (this.handle === undefined) await writeStdout(data);
      // writeFile on a handle writes all of it at the current position (write() may stop short).
      else await this.handle.writeFile(data);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
        await this.discard();
        quietExit(0);
      }
      this.failed = new OutputError(`cannot write ${this.path}: ${errnoText(error)}`);
      throw this.failed;
    }
  }

  /** Finishes the output: a regular file moves into place. */
  async commit(): Promise<void> {
    try {
      await this.handle?.close();
      if (this.temp !== undefined) await rename(this.temp, this.target!);
    } catch (error) {
      await this.discard();
      throw new OutputError(`cannot write ${this.path}: ${errnoText(error)}`);
    }
    this.forget();
  }

  /** Gives up: a temporary file is removed and the target left as it was. */
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    if (this.temp !== undefined) await unlink(this.temp).catch(() => undefined);
    this.forget();
  }
}

/** Writes to stdout, waiting while its buffer is full; rejects on a write error. */
function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    process.stdout.write(data, (error) => (error ? reject(error) : resolvePromise()));
  });
}
