/** The input formats `xentropy score` and the page read, and how a file name picks one. */

export const FORMATS = ['csv', 'tsv', 'npy', 'arrow', 'parquet'] as const;
export type Format = (typeof FORMATS)[number];

/** Extensions (lower case, no dot) that name a format other than CSV. */
const EXTENSIONS: Readonly<Record<string, Format>> = {
  tsv: 'tsv',
  tab: 'tsv',
  npy: 'npy',
  arrow: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
  parquet: 'parquet',
  pq: 'parquet',
};

/** The format a path's or file name's extension names (CSV when it names none of them). */
export function formatOf(path: string): Format {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return 'csv';
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()] ?? 'csv';
}
