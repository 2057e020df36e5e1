import type { BenchReport, NamedBlob, Report, Request, Response, ScoreOptions } from './protocol.js';

/** A failed job: the worker's message, and the file's line number when it names one. */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** A job dropped by {@link ScoringWorker.reset} (a newer file or option replaced it). */
export class Superseded extends Error {
  override name = 'Superseded';
}

type Pending = {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  onProgress?: (rows: number, bytes: number, totalBytes: number) => void;
};

/** The page's handle on the scoring worker: one promise per request. */
export class ScoringWorker {
  private worker!: Worker;
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.spawn();
  }

  /** Which backend the worker scores with (its first `load()`). */
  backend(): Promise<'wasm' | 'js'> {
    return this.send({ type: 'backend', id: this.next++ });
  }

  score(files: NamedBlob[], options: ScoreOptions, onProgress: Pending['onProgress']): Promise<Report> {
    return this.send({ type: 'score', id: this.next++, files, options }, onProgress);
  }

  bench(): Promise<BenchReport> {
    return this.send({ type: 'bench', id: this.next++ });
  }

  perRow(): Promise<Blob> {
    return this.send({ type: 'per-row', id: this.next++ });
  }

  /** Stops whatever the worker is doing (it may be deep in a large file) and starts a fresh one. */
  reset(): void {
    this.worker.terminate();
    this.failAll(new Superseded('replaced by a newer job'));
    this.spawn();
  }

  private send<T>(request: Request, onProgress?: Pending['onProgress']): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.set(request.id, { resolve: resolve as Pending['resolve'], reject, onProgress });
      this.worker.postMessage(request);
    });
  }

  private spawn(): void {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<Response>) => this.receive(event.data);
    // The worker's script itself failed (not a job: those answer with an 'error' message).
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.failAll(new JobError(`the scoring worker failed: ${event.message || 'it could not be loaded'}`));
    };
  }

  private receive(message: Response): void {
    const job = this.pending.get(message.id);
    if (job === undefined) return;
    if (message.type === 'progress') {
      job.onProgress?.(message.rows, message.bytes, message.totalBytes);
      return;
    }
    this.pending.delete(message.id);
    switch (message.type) {
      case 'backend':
        return job.resolve(message.backend as never);
      case 'report':
        return job.resolve(message.report as never);
      case 'bench':
        return job.resolve(message.bench as never);
      case 'per-row':
        return job.resolve(message.blob as never);
      case 'error':
        return job.reject(new JobError(message.message, message.line));
    }
  }

  private failAll(error: Error): void {
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }
}
