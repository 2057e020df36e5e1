/**
 * Plain SVG for the page's figures: a chart is a few dozen rectangles and lines, drawn here
 * without a charting library. Every chart is an `img` with a title; every mark that stands for
 * numbers has a `<title>` (the tooltip, and what a screen reader reads) and carries them in
 * `data-*` attributes.
 */

const NS = 'http://www.w3.org/2000/svg';

type Child = SVGElement | string | null | undefined;

/** An SVG element with attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}

/** A tooltip (and accessible name) for a mark. */
export function title(text: string): SVGTitleElement {
  return svg('title', {}, text);
}

/** A chart: an `img` of the given size (scaled to its box by CSS) named by `label`. */
export function chart(width: number, height: number, label: string, description?: string): SVGSVGElement {
  const id = `c${Math.random().toString(36).slice(2, 10)}`;
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-labelledby': `${id}-t`,
      'aria-describedby': description ? `${id}-d` : undefined,
      class: 'chart',
    },
    svg('title', { id: `${id}-t` }, label),
    description ? svg('desc', { id: `${id}-d` }, description) : null,
  );
}

/** A linear map from `[d0, d1]` onto `[r0, r1]`. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

/** Round tick values from 0 to `max` (about `count` of them: steps of 1, 2 or 5 × 10^n). */
export function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** A count in little room: 32.8K where 32,844 would not fit. */
export function short(n: number): string {
  return compact.format(n);
}

/** The x axis along `y`: a base line, ticks with labels, a caption under them. */
export function axisX(
  x: (v: number) => number,
  values: number[],
  y: number,
  label: string,
  format: (v: number) => string = String,
): SVGGElement {
  const g = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  g.append(svg('line', { x1: x(values[0]), x2: x(values[values.length - 1]), y1: y, y2: y }));
  for (const v of values) {
    g.append(svg('line', { x1: x(v), x2: x(v), y1: y, y2: y + 4 }));
    g.append(svg('text', { x: x(v), y: y + 15, 'text-anchor': 'middle' }, format(v)));
  }
  g.append(
    svg(
      'text',
      { x: (x(values[0]) + x(values[values.length - 1])) / 2, y: y + 31, 'text-anchor': 'middle', class: 'axis-label' },
      label,
    ),
  );
  return g;
}

/** The y axis at `x`: grid lines across to `right`, tick labels, a caption along it. */
export function axisY(
  y: (v: number) => number,
  values: number[],
  x: number,
  right: number,
  label: string,
  format: (v: number) => string = String,
): SVGGElement {
  const g = svg('g', { class: 'axis', 'aria-hidden': 'true' });
  for (const v of values) {
    g.append(svg('line', { x1: x, x2: right, y1: y(v), y2: y(v), class: 'grid' }));
    g.append(svg('text', { x: x - 5, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  const mid = (y(values[0]) + y(values[values.length - 1])) / 2;
  g.append(
    svg(
      'text',
      { x: 12, y: mid, 'text-anchor': 'middle', transform: `rotate(-90 12 ${mid})`, class: 'axis-label' },
      label,
    ),
  );
  return g;
}
