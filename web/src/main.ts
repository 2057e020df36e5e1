/**
 * The page: picks a file and options, hands the work to the scoring worker, shows the results.
 * The page's state is on `<main data-state="idle|running|done|error">` (with `data-file`,
 * `data-runs`, `data-bench`), so a person's eye and a test's wait read the same thing.
 */
import exampleUrl from '../../examples/digits-logits.csv?url';
import { JobError, ScoringWorker, Superseded } from './client.js';
import { READABLE } from './formats.js';
import type { BaseName, InputChoice, NamedBlob, Report, ScoreOptions } from './protocol.js';
import { byId } from './render/dom.js';
import { renderPlots } from './render/plots.js';
import { renderSummary } from './render/summary.js';
import { renderBench, renderClasses, renderWorst } from './render/tables.js';
import './style.css';

const app = byId('app');
const worker = new ScoringWorker();
/** What is scored: one file, or a scores .npy with its labels .npy. */
let files: NamedBlob[] = [];
/** The file the last results came from, naming the per-row download. */
let scoredName = '';
/** Completed scorings, on `data-runs`: a wait for the next result cannot see an older one. */
let runs = 0;

type State = 'idle' | 'running' | 'done' | 'error';

function setState(state: State): void {
  app.dataset.state = state;
  for (const id of ['download', 'bench-run']) byId<HTMLButtonElement>(id).disabled = state !== 'done';
}

function options(): ScoreOptions {
  const input = (document.querySelector<HTMLInputElement>('input[name="input"]:checked')?.value ??
    'auto') as InputChoice;
  return {
    input,
    base: byId<HTMLSelectElement>('base').value as BaseName,
    labelColumn: byId<HTMLInputElement>('label-column').value.trim() || 'label',
  };
}

/** Scores the current files with the current options, replacing any job still running. */
async function run(): Promise<void> {
  if (files.length === 0) return;
  const name = files.map((f) => f.name).join(' + ');
  worker.reset();
  setState('running');
  app.dataset.file = name;
  showError(undefined);
  const bar = byId<HTMLProgressElement>('progress-bar');
  const text = byId('progress-text');
  const box = byId('progress');
  let events = 0;
  bar.value = 0;
  text.textContent = `reading ${name}…`;
  box.dataset.events = '0';
  box.hidden = false;
  try {
    const report = await worker.score(files, options(), (rows, bytes, totalBytes) => {
      bar.value = totalBytes > 0 ? bytes / totalBytes : 0;
      text.textContent = `${rows.toLocaleString('en-US')} rows · ${Math.floor(100 * bar.value)} %`;
      box.dataset.events = String(++events);
    });
    bar.value = 1;
    text.textContent = `${Number(report.summary.rows).toLocaleString('en-US')} rows · done`;
    scoredName = String(report.summary.file);
    show(report);
    app.dataset.runs = String(++runs);
    setState('done');
  } catch (error) {
    if (error instanceof Superseded) return;
    box.hidden = true;
    showError(error);
    setState('error');
  }
}

function showBackend(name: 'wasm' | 'js'): void {
  const badge = byId('backend');
  badge.textContent = `${name} backend`;
  badge.dataset.backend = name;
}

function show(r: Report): void {
  showBackend(r.backend);
  byId('results').hidden = false;
  byId('bench').hidden = true;
  // Rendered once visible, so the plots can take the width of their boxes.
  renderSummary(r);
  renderPlots(r);
  renderClasses(r);
  renderWorst(r);
}

function showError(error: unknown): void {
  const box = byId('error');
  if (error === undefined) {
    box.hidden = true;
    box.textContent = '';
    delete box.dataset.line;
    return;
  }
  const line = error instanceof JobError ? error.line : undefined;
  box.replaceChildren(
    line === undefined ? 'Cannot score this file: ' : `Line ${line}: `,
    Object.assign(document.createElement('code'), {
      textContent: error instanceof Error ? error.message : String(error),
    }),
  );
  if (line === undefined) delete box.dataset.line;
  else box.dataset.line = String(line);
  box.hidden = false;
  byId('results').hidden = true;
}

function useFiles(list: FileList | null | undefined): void {
  if (!list || list.length === 0) return;
  files = Array.from(list, (file) => ({ name: file.name, blob: file }));
  void run();
}

async function useExample(): Promise<void> {
  const response = await fetch(exampleUrl);
  if (!response.ok) throw new Error(`cannot load the example (${response.status})`);
  files = [{ name: 'digits-logits.csv', blob: await response.blob() }];
  await run();
}

async function runBenchmark(): Promise<void> {
  const button = byId<HTMLButtonElement>('bench-run');
  button.disabled = true;
  button.textContent = 'Running…';
  app.dataset.bench = 'running';
  try {
    renderBench(await worker.bench());
    app.dataset.bench = 'done';
  } catch (error) {
    if (error instanceof Superseded) return;
    app.dataset.bench = 'error';
    showError(error);
  } finally {
    button.textContent = 'Run benchmark';
    button.disabled = app.dataset.state !== 'done';
  }
}

async function download(): Promise<void> {
  const blob = await worker.perRow();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${scoredName.replace(/\.[^.]*$/, '') || 'rows'}-per-row.csv`;
  link.click();
  // The download has its own reference to the blob by now.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function wire(): void {
  const drop = byId('drop');
  const input = byId<HTMLInputElement>('file');
  input.addEventListener('change', () => {
    useFiles(input.files);
    input.value = ''; // picking the same file again is a change too
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    useFiles(event.dataTransfer?.files);
  });
  byId('example').addEventListener('click', () => void useExample().catch(showError));
  for (const control of document.querySelectorAll('input[name="input"], #base, #label-column')) {
    control.addEventListener('change', () => void run());
  }
  byId('bench-run').addEventListener('click', () => void runBenchmark());
  byId('download').addEventListener('click', () => void download().catch(showError));
  byId('formats').textContent = `reads ${Object.values(READABLE).join(', ')}`;
  setState('idle');
  void worker.backend().then(showBackend, () => undefined);
}

wire();
