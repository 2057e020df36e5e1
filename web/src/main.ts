/**
 * The page: picks a file and options, hands the work to the scoring worker, shows the results.
 * The page's state is on `<main data-state="idle|running|done|error">` (with `data-file`,
 * `data-runs`, `data-bench`), so a person's eye and a test's wait read the same thing.
 */
import exampleUrl from '../../examples/digits-logits.csv?url';
import { JobError, ScoringWorker, Superseded } from './client.js';
import { READABLE } from './formats.js';
import { commandLine, OptionError, parseControls } from './options.js';
import type { BaseName, InputChoice, NamedBlob, Report, ScoreOptions } from './protocol.js';
import { byId, figure } from './render/dom.js';
import { renderSummary } from './render/summary.js';
import { renderBench, renderWorst } from './render/tables.js';
import { renderConfusion } from './views/confusion.js';
import { renderPerClass } from './views/per-class.js';
import { renderReliability } from './views/reliability.js';
import { renderRowHistograms } from './views/row-histograms.js';
import { renderScoreHistograms } from './views/score-histograms.js';
import './style.css';

const app = byId('app');
const worker = new ScoringWorker();
/** What is scored: one file, or a scores .npy with its labels .npy. */
let files: NamedBlob[] = [];
/** The file the last results came from, naming the per-row download. */
let scoredName = '';
/** Completed scorings, on `data-runs`: a wait for the next result cannot see an older one. */
let runs = 0;
/** The task of the last results: the benchmark is multiclass's. */
let scoredTask = '';

type State = 'idle' | 'running' | 'done' | 'error';

function setState(state: State): void {
  app.dataset.state = state;
  byId<HTMLButtonElement>('download').disabled = state !== 'done';
  byId<HTMLButtonElement>('bench-run').disabled = state !== 'done' || scoredTask !== 'multiclass';
}

/**
 * The options of the controls, read as the command line reads its own.
 * @throws OptionError as the command line refuses a value
 */
function options(): ScoreOptions {
  const input = (document.querySelector<HTMLInputElement>('input[name="input"]:checked')?.value ??
    'auto') as InputChoice;
  const text = (id: string) => byId<HTMLInputElement>(id).value;
  return parseControls({
    input,
    base: byId<HTMLSelectElement>('base').value as BaseName,
    labelColumn: text('label-column'),
    task: byId<HTMLSelectElement>('task').value,
    positive: text('positive'),
    threshold: text('threshold'),
    weightColumn: text('weight-column'),
    bins: text('bins'),
    topK: text('top-k'),
    perClass: byId<HTMLInputElement>('per-class').checked,
    confusion: byId<HTMLInputElement>('confusion').checked,
  });
}

/** Scores the current files with the current options, replacing any job still running. */
async function run(): Promise<void> {
  if (files.length === 0) {
    // Nothing to score yet: a value the command line would refuse is refused at once.
    try {
      options();
      showError(undefined);
    } catch (error) {
      showError(error);
    }
    return;
  }
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
    const chosen = options();
    const report = await worker.score(files, chosen, (rows, bytes, totalBytes) => {
      bar.value = totalBytes > 0 ? bytes / totalBytes : 0;
      text.textContent = `${rows.toLocaleString('en-US')} rows · ${Math.floor(100 * bar.value)} %`;
      box.dataset.events = String(++events);
    });
    bar.value = 1;
    text.textContent = `${Number(report.summary.rows).toLocaleString('en-US')} rows · done`;
    scoredName = String(report.summary.file);
    scoredTask = report.figures.task;
    show(report);
    const labels = files.length === 2 ? files.find((f) => f.name !== scoredName)?.name : undefined;
    byId('command').textContent = commandLine(scoredName, labels, chosen);
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
  renderRowHistograms(r);
  renderPerClass(byId<HTMLTableElement>('classes'), r);
  byId('classes-title').textContent = r.figures.task === 'multilabel' ? 'Per label' : 'Per class';
  renderReliability(byId('reliability'), r);
  const ece = byId('ece');
  ece.textContent = figure(r.figures.ece);
  ece.dataset.value = String(r.figures.ece);
  byId('ece-bins').textContent = String(r.figures.bins);
  renderConfusion(byId('confusion-view'), r);
  byId('scores-panel').hidden = r.scores === undefined;
  if (r.scores) {
    renderScoreHistograms(byId('scores'), r.scores);
    byId('score-bins').textContent = String(r.scores.edges.length - 1);
  } else byId('scores').replaceChildren();
  // Multilabel rows have no one label to list; the benchmark times the multiclass scorer.
  byId('worst-panel').hidden = r.figures.task === 'multilabel';
  byId('bench-panel').hidden = r.figures.task !== 'multiclass';
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
    error instanceof OptionError ? 'Options: ' : line === undefined ? 'Cannot score this file: ' : `Line ${line}: `,
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
  const controls =
    'input[name="input"], #base, #label-column, #task, #positive, #threshold, #weight-column, #bins, #top-k, #per-class, #confusion';
  for (const control of document.querySelectorAll(controls)) {
    control.addEventListener('change', () => void run());
  }
  byId('bench-run').addEventListener('click', () => void runBenchmark());
  byId('download').addEventListener('click', () => void download().catch(showError));
  byId('formats').textContent = `reads ${Object.values(READABLE).join(', ')}`;
  setState('idle');
  void worker.backend().then(showBackend, () => undefined);
}

wire();
