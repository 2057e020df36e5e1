// bench/results/latest.md from a run's raw figures (latest.json): per workload the medians,
// throughput, ratios to the naive loop and to the best peer, and the issue's targets, met or missed.
import { sizeTargets } from './workloads.mjs';

const AGAINST = {
  naive: 'naive',
  ort: 'ORT',
  'best peer': 'best peer',
  unchecked: 'itself with validate: false',
  single: 'xentropy wasm (one thread)',
  'ort threads': 'ORT with one intra-op thread per core',
};

const sig = (x, d = 3) => (x >= 10 ** d ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(d)).toString());
const ratio = (x) => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mem = (b) => (b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(2)} MiB` : kib(b));
const bytes = (b) => `${b.toLocaleString('en-US')} B`;

/** The medians a workload's ratios are taken against. */
export function baselines(wl) {
  const timed = wl.rows.filter((r) => r.median !== undefined);
  const naive = timed.find((r) => r.group === 'naive');
  const peers = timed.filter((r) => r.group === 'peer');
  const best = peers.reduce((b, r) => (!b || r.median < b.median ? r : b), null);
  const ort = peers.find((r) => r.name === 'onnxruntime');
  const unchecked = timed.find((r) => r.group === 'unchecked');
  const single = timed.find((r) => r.name === 'xentropy wasm');
  const ortThreads = peers.find((r) => r.name.startsWith('onnxruntime, '));
  return { naive, best, ort, unchecked, single, ortThreads };
}

/** Each target of a workload with its measured ratio: { text, ratio, met } (met undefined: not measured). */
export function evaluate(wl) {
  const base = baselines(wl);
  return wl.targets.map((t) => {
    const row = wl.rows.find((r) => r.name === t.variant);
    const against =
      {
        naive: base.naive,
        ort: base.ort,
        unchecked: base.unchecked,
        single: base.single,
        'ort threads': base.ortThreads,
      }[t.against] ?? base.best;
    const text =
      t.against === 'unchecked'
        ? `${t.variant}: validation costs ≤ 10 % (validate: false median / default median ≥ ${t.min})`
        : `${t.variant} ≥ ${sig(t.min, 2)}× ${AGAINST[t.against]}${t.note ? ` (${t.note})` : ''}`;
    if (!row || row.median === undefined || !against) {
      const why =
        !row || row.median === undefined
          ? `${t.variant}: ${row?.na ?? row?.error ?? 'not run'}`
          : `no ${AGAINST[t.against]} figure`;
      return { ...t, text, why };
    }
    const r = against.median / row.median;
    return { ...t, text, ratio: r, met: r >= t.min, base: against.name };
  });
}

const status = (e) => (e.met === undefined ? `not measured (${e.why})` : e.met ? '**met**' : '**missed**');

function workloadSection(wl) {
  const { naive, best } = baselines(wl);
  const evals = evaluate(wl);
  const lines = [];
  lines.push(`## ${wl.id} — ${wl.title}`, '');
  if (wl.reps) {
    lines.push(
      `${wl.reps.toLocaleString('en-US')} calls per sample (${(wl.elements / wl.reps).toLocaleString('en-US')} elements each, ${wl.dtype}), cycling through distinct inputs; per call = sample median / ${wl.reps}.`,
      '',
    );
  } else {
    lines.push(
      `${(wl.elements / 1e6).toLocaleString('en-US')} M elements (${wl.dtype}). Best peer: ${best ? best.name : 'none'}.`,
      '',
    );
  }
  const perCall = (r) => (wl.reps ? ` ${sig((r.median / wl.reps) * 1e6)} |` : '');
  lines.push(
    `| implementation |${wl.reps ? ' per call ns |' : ''} median ms | min–max ms | samples | per-round medians ms | M elements/s | × naive | × best peer | check | target |`,
  );
  lines.push(`|---|${wl.reps ? '--:|' : ''}--:|--:|--:|--:|--:|--:|--:|---|---|`);
  const notes = [];
  for (const r of wl.rows) {
    const mine = evals.filter((e) => e.variant === r.name);
    const target = mine
      .map(
        (e) =>
          `${e.against === 'unchecked' ? 'validation ≤ 10 %' : `≥ ${sig(e.min, 2)}× ${AGAINST[e.against]}`}: ${e.met === undefined ? 'not measured' : e.met ? 'met' : '**missed**'}`,
      )
      .join('; ');
    if (r.median === undefined) {
      lines.push(`| ${r.name} |${wl.reps ? ' |' : ''} n/a | | | | | | | | ${target} |`);
      notes.push(`${r.name}: ${r.na ?? r.error}`);
      continue;
    }
    const check = r.check.reference
      ? 'reference'
      : `≤ ${r.check.max.toExponential(1)} (tol ${r.check.tol.toExponential(0)})`;
    lines.push(
      `| ${r.name} |${perCall(r)} ${sig(r.median)} | ${sig(r.min)}–${sig(r.max)} | ${r.samples} | ${r.roundMedians.map((x) => sig(x)).join(', ')} | ${sig(wl.elements / r.median / 1e3)} | ${ratio(naive && naive.median / r.median)} | ${ratio(best && best.median / r.median)} | ${check} | ${target} |`,
    );
    if (r.note) notes.push(`${r.name}: ${r.note}`);
  }
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

function memorySection(m) {
  const f = (b) => (b === undefined ? '—' : mem(b));
  const lines = [
    '',
    '**W6 wasm linear memory** (`x.memoryBytes`, a fresh process streaming the same 10⁸ elements)',
    '',
  ];
  lines.push(
    '| after load() | after the stream, ordinary arrays | after x.alloc of the 4-chunk pool | after the stream, zero-copy | after x.free |',
  );
  lines.push('|--:|--:|--:|--:|--:|');
  lines.push(
    `| ${f(m.afterLoad)} | ${f(m.afterOrdinary)} | ${f(m.afterAlloc)} | ${m.detached ? 'chunks detached during the stream' : f(m.afterZeroCopy)} | ${f(m.afterFree)} |`,
  );
  if (m.allocRounds > 1)
    lines.push(
      '',
      `(The pool took ${m.allocRounds} rounds of x.alloc: a growing alloc detaches the views allocated before it, so all were freed and allocated again into the grown memory. Linear memory never shrinks: x.free makes the space reusable, it does not return it.)`,
    );
  if (m.agree === false) lines.push('', '**The zero-copy stream gave a different mean from the ordinary one.**');
  return lines.join('\n');
}

export function report(run) {
  const { machine: m, size } = run;
  const out = [];
  out.push('# xentropy benchmarks', '');
  out.push(
    `Generated by \`npm run bench\` (bench/run.mjs) on ${m.date.slice(0, 16).replace('T', ' ')} UTC, in ${Math.round(m.durationS)} s${m.quick ? ' — **quick mode: few samples, not for comparison**' : ''}.`,
    '',
  );
  out.push(
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, ${m.os}; load average at start ${m.loadAverage.map((x) => x.toFixed(2)).join(' / ')}`,
  );
  out.push(
    `- Node ${m.node} (V8 ${m.v8}); commit ${m.commit}${m.dirty ? ' with uncommitted changes in src/assembly' : ''}${size ? `; wasm sha256 ${size.wasmSha256.slice(0, 12)}…` : ''}`,
  );
  out.push(
    '- Peers: TF.js 4.22.0 (cpu; wasm: SIMD, 1 thread), onnxruntime-node 1.30.0 (CPU EP, intra-op 1, inter-op 1, graph optimisation all).',
  );
  out.push(
    "- Median, min and max of the tinybench latency samples, pooled over 3 interleaved rounds (each implementation timed in turn, round after round, so that bursts of load on a shared machine fall on all of them; the per-round medians show the spread). Every timed call includes getting data into and out of the library (tensor creation and readback; xentropy's copy into wasm memory, except the zero-copy variant whose inputs were placed with `x.alloc` before timing). Each result was checked against the naive float64 loop before timing (check: largest deviation, relative to max(|value|, 1)).",
  );
  out.push(
    '- × naive, × best peer: how many times faster than the naive JS loop / the fastest of TF.js cpu, TF.js wasm and onnxruntime on that workload (> 1 = faster). Chart: [latest.svg](latest.svg).',
  );
  out.push('');

  out.push('## Targets', '');
  out.push('| workload | target | measured | status |', '|---|---|--:|---|');
  for (const wl of run.workloads) {
    for (const e of evaluate(wl)) out.push(`| ${wl.id} | ${e.text} | ${ratio(e.ratio)} | ${status(e)} |`);
  }
  if (size) {
    out.push(
      `| — | .wasm ≤ ${sizeTargets.wasmBytes / 1024} KB | ${bytes(size.wasmBytes)} | ${size.wasmBytes <= sizeTargets.wasmBytes ? '**met**' : '**missed**'} |`,
    );
    out.push(
      `| — | cold \`await load()\` ≤ ${sizeTargets.coldLoadMs} ms | ${size.coldLoadMs.toFixed(1)} ms | ${size.coldLoadMs <= sizeTargets.coldLoadMs ? '**met**' : '**missed**'} |`,
    );
  }
  out.push('');

  for (const wl of run.workloads) {
    out.push(workloadSection(wl));
    if (wl.memory) out.push(memorySection(wl.memory));
    out.push('');
  }

  if (size) {
    out.push('## Size and cold load', '');
    out.push('| figure | value |', '|---|--:|');
    out.push(`| .wasm (\`wasmByteLength\`) | ${bytes(size.wasmBytes)} (${kib(size.wasmBytes)}) |`);
    out.push(
      `| library JS incl. embedded wasm (dist/**/*.js without cli/, ${size.jsFiles} files) | ${bytes(size.jsBytes)} |`,
    );
    out.push(
      `| gzipped, file by file, summed (node:zlib level 9) | ${bytes(size.gzipPerFileBytes)} (${kib(size.gzipPerFileBytes)}) |`,
    );
    out.push(`| gzipped as one stream | ${bytes(size.gzipBundleBytes)} (${kib(size.gzipBundleBytes)}) |`);
    out.push(
      `| cold \`await load()\`, median of ${size.coldRuns} fresh processes (min–max) | ${size.coldLoadMs.toFixed(1)} ms (${size.coldLoadMinMs.toFixed(1)}–${size.coldLoadMaxMs.toFixed(1)}) |`,
    );
    out.push(`| cold \`import('xentropy')\` before it, median | ${size.coldImportMs.toFixed(1)} ms |`);
    out.push(`| wasm linear memory after load | ${mem(size.memoryAfterLoad)} |`);
    out.push('');
  }
  return out.join('\n');
}
