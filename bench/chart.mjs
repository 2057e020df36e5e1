// bench/results/latest.svg: per workload, each implementation's speed as a multiple of the naive JS
// loop (log scale, bars grow from 1×), with the issue's targets marked on the xentropy rows
// (a target against ORT or the best peer is drawn at the × naive speed it requires). Plain SVG, no dependencies.
import { baselines, evaluate } from './report.mjs';

const COLORS = {
  'xentropy wasm': '#1f5fa8',
  'xentropy wasm zero-copy': '#3fa7d6',
  'xentropy js': '#4c9a2a',
  'TF.js cpu': '#e08a1e',
  'TF.js wasm': '#c8553d',
  onnxruntime: '#7b5ea7',
};

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x) => `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
const tick = (x) => `${Number(x.toPrecision(2))}×`;

export function chart(run) {
  const W = 920;
  const left = 250;
  const right = 70;
  const rowH = 17;
  const groupGap = 30;
  const top = 62;

  // Rows to draw, and the scale's extent over every ratio and target.
  const groups = run.workloads.map((wl) => {
    const { naive } = baselines(wl);
    const evals = evaluate(wl);
    const rows = wl.rows
      .filter((r) => r.group !== 'naive' && r.group !== 'unchecked')
      .map((r) => {
        const speed = naive && r.median !== undefined ? naive.median / r.median : undefined;
        const marks = evals
          .filter((e) => e.variant === r.name && e.ratio !== undefined && speed !== undefined)
          .map((e) => ({ at: (speed / e.ratio) * e.min, met: e.met, label: `${e.min}× ${e.against}` }));
        return { name: r.name, speed, marks, na: r.median === undefined };
      });
    return { wl, rows };
  });
  const values = groups
    .flatMap((g) => g.rows.flatMap((r) => [r.speed, ...r.marks.map((m) => m.at)]))
    .filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(0.5, ...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(2, ...values)));
  const x = (v) => left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (W - left - right);

  const height = top + groups.reduce((h, g) => h + groupGap + g.rows.length * rowH, 0) + 56;
  const s = [];
  s.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
  );
  s.push(`<rect width="${W}" height="${height}" fill="#fff"/>`);
  s.push(
    `<text x="12" y="22" font-size="15" font-weight="600">xentropy: speed as a multiple of a naive JS loop (median, log scale; higher is faster)</text>`,
  );
  const m = run.machine;
  s.push(
    `<text x="12" y="40" fill="#555">${esc(`${m.cpu}, ${m.cores} cores · Node ${m.node} · ${m.date.slice(0, 10)} · commit ${m.commit}${m.dirty ? '+' : ''} · ▮ target (green met, red missed)`)}</text>`,
  );

  // Grid: powers of ten and 2×/5× steps, and the naive line at 1×.
  const gridBottom = height - 46;
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    for (const f of [1, 2, 5]) {
      const v = d * f;
      if (v > hi * 1.0001) break;
      const gx = x(v).toFixed(1);
      s.push(`<line x1="${gx}" y1="${top - 8}" x2="${gx}" y2="${gridBottom}" stroke="${f === 1 ? '#ccc' : '#eee'}"/>`);
      s.push(`<text x="${gx}" y="${gridBottom + 14}" text-anchor="middle" fill="#666">${tick(v)}</text>`);
    }
  }
  const one = x(1).toFixed(1);

  let y = top;
  for (const g of groups) {
    y += groupGap;
    s.push(`<text x="12" y="${y - 8}" font-weight="600">${esc(`${g.wl.id} — ${g.wl.title}`)}</text>`);
    for (const r of g.rows) {
      const cy = y + rowH / 2;
      s.push(`<text x="${left - 8}" y="${cy + 4}" text-anchor="end">${esc(r.name)}</text>`);
      if (r.na || r.speed === undefined) {
        s.push(`<text x="${Number(one) + 6}" y="${cy + 4}" fill="#999">n/a</text>`);
      } else {
        const x0 = Math.min(x(1), x(r.speed));
        const w = Math.max(1, Math.abs(x(r.speed) - x(1)));
        s.push(
          `<rect x="${x0.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 4}" fill="${COLORS[r.name] ?? '#888'}"/>`,
        );
        for (const mk of r.marks) {
          const mx = x(mk.at).toFixed(1);
          s.push(
            `<rect x="${Number(mx) - 1.5}" y="${y}" width="3" height="${rowH}" fill="${mk.met ? '#2e9e44' : '#d62728'}"><title>${esc(`target ${mk.label}: ${mk.met ? 'met' : 'missed'}`)}</title></rect>`,
          );
        }
        // The value over any target mark, with a white halo.
        const lx = r.speed >= 1 ? x(r.speed) + 4 : x(r.speed) - 4;
        s.push(
          `<text x="${lx.toFixed(1)}" y="${cy + 4}" text-anchor="${r.speed >= 1 ? 'start' : 'end'}" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">${fmt(r.speed)}</text>`,
        );
      }
      y += rowH;
    }
  }
  s.push(`<line x1="${one}" y1="${top - 8}" x2="${one}" y2="${gridBottom}" stroke="#333" stroke-dasharray="3,3"/>`);
  s.push(
    `<text x="${left}" y="${gridBottom + 34}" fill="#555">× naive JS: the naive loop's median / this implementation's median (dashed line: naive = 1×)</text>`,
  );
  s.push('</svg>');
  return s.join('\n') + '\n';
}
