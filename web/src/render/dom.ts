/** Small DOM helpers: the page is a handful of tables and cards, no framework needed. */

type Child = Node | string | number | null | undefined;

/** An element with attributes (`class`, `data-*`, anything else as written) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

const sixDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/**
 * A figure for reading: six significant digits with digit grouping (1,783,770; 0.194385),
 * exponents only for tiny values, non-finite values by name.
 */
export function figure(x: number | string): string {
  if (typeof x === 'string') return x;
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en-US');
  if (Math.abs(x) >= 1e-4 && Math.abs(x) < 1e15) return sixDigits.format(x);
  return x.toPrecision(6).replace(/\.?0+e/, 'e');
}

export function percent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(2)} %` : String(x);
}

/**
 * A table cell showing `text` and holding the exact value in `data-value` (the shortest string
 * that reads back as the same float64), for copying and for tests.
 */
export function valueCell(value: number, text = figure(value)): HTMLTableCellElement {
  return h('td', { 'data-value': String(value) }, text);
}

/** Replaces a table's content with a header row and body rows. */
export function fillTable(table: HTMLTableElement, head: string[], rows: HTMLTableRowElement[]): void {
  table.replaceChildren(
    h('thead', {}, h('tr', {}, ...head.map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, ...rows),
  );
}
