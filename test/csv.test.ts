import { describe, expect, it } from 'vitest';
import { readDelimited } from '../src/io/csv.js';
import type { DelimitedOptions } from '../src/io/csv.js';
import { InputError } from '../src/io/errors.js';
import { parseNumber } from '../src/io/parse-number.js';
import { RecordSplitter } from '../src/io/records.js';

describe('parseNumber', () => {
  it.each([
    ['0', 0],
    ['-0', -0],
    ['+1.5', 1.5],
    ['1.', 1],
    ['.5', 0.5],
    ['1e-3', 0.001],
    ['-2.5E+2', -250],
    ['0.1', 0.1],
    ['12345678901234567890', 12345678901234567890],
    [' 3 ', 3],
    ['\t4', 4],
    // float64, never through float32: 0.1 as float32 would be 0.10000000149011612
    ['0.30000000000000004', 0.30000000000000004],
    ['4.9e-324', 5e-324],
    ['1e400', Infinity],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['+inf', Infinity],
    ['INF', Infinity],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['-INFINITY', -Infinity],
    ['nan', NaN],
    ['NaN', NaN],
    ['NAN', NaN],
  ])('%j is %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it.each(['', ' ', 'abc', '0.25abc', '1e', 'e5', '0x1f', '0b1', '1_000', '1,5', '--1', 'infinite', 'nan0', '.'])(
    '%j is not a number',
    (text) => {
      expect(parseNumber(text)).toBeUndefined();
    },
  );
});

interface Record {
  fields: string[];
  line: number;
}

/** Splits `text` delivered in the given chunks; returns the records or the syntax error. */
function split(chunks: string[], delimiter = ','): Record[] {
  const records: Record[] = [];
  const splitter = new RecordSplitter(
    delimiter,
    (fields, line) => records.push({ fields: [...fields], line }),
    (line, message) => {
      throw new Error(`${line}: ${message}`);
    },
  );
  chunks.forEach((chunk) => splitter.push(chunk));
  splitter.end();
  return records;
}

/** Every way of cutting `text` into two chunks, plus one character per chunk. */
function chunkings(text: string): string[][] {
  const cuts = Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
  return [[text], ...cuts, [...text]];
}

describe('RecordSplitter', () => {
  const cases: Array<[string, string, Record[]]> = [
    [
      'LF, final newline',
      'a,b\n1,2\n',
      [
        { fields: ['a', 'b'], line: 1 },
        { fields: ['1', '2'], line: 2 },
      ],
    ],
    [
      'no final newline',
      'a,b\n1,2',
      [
        { fields: ['a', 'b'], line: 1 },
        { fields: ['1', '2'], line: 2 },
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        { fields: ['a', 'b'], line: 1 },
        { fields: ['1', '2'], line: 2 },
      ],
    ],
    [
      'lone CR',
      'a,b\r1,2\r',
      [
        { fields: ['a', 'b'], line: 1 },
        { fields: ['1', '2'], line: 2 },
      ],
    ],
    [
      'empty fields',
      ',\n,x,\n',
      [
        { fields: ['', ''], line: 1 },
        { fields: ['', 'x', ''], line: 2 },
      ],
    ],
    ['quoted delimiter and quote', '"a,b","say ""hi"""\n', [{ fields: ['a,b', 'say "hi"'], line: 1 }]],
    [
      'quoted empty field',
      '""\n"",""\n',
      [
        { fields: [''], line: 1 },
        { fields: ['', ''], line: 2 },
      ],
    ],
    [
      'line breaks inside quotes count as lines',
      'h\n"x\ny\r\nz"\nnext\n',
      [
        { fields: ['h'], line: 1 },
        { fields: ['x\ny\r\nz'], line: 2 },
        { fields: ['next'], line: 5 },
      ],
    ],
    [
      'empty lines are skipped but counted',
      'a\n\n\r\nb\n\n',
      [
        { fields: ['a'], line: 1 },
        { fields: ['b'], line: 4 },
      ],
    ],
    ['a quote inside an unquoted field is data', 'a"b,c\n', [{ fields: ['a"b', 'c'], line: 1 }]],
    ['quoted last field without newline', 'a,"b\nc"', [{ fields: ['a', 'b\nc'], line: 1 }]],
  ];

  it.each(cases)('%s, in any chunking', (_name, text, expected) => {
    for (const chunks of chunkings(text)) expect(split(chunks)).toEqual(expected);
  });

  it('splits TSV on tabs, commas being data', () => {
    expect(split(['a\tb,c\n"x\ty"\t2\n'], '\t')).toEqual([
      { fields: ['a', 'b,c'], line: 1 },
      { fields: ['x\ty', '2'], line: 2 },
    ]);
  });

  it('reports an unclosed quote at the line its record starts', () => {
    for (const chunks of chunkings('a\nb\n"c\n\nd')) expect(() => split(chunks)).toThrow(/^3: .*never closed/);
  });

  it('reports text after a closing quote at its line', () => {
    for (const chunks of chunkings('a\n"x\n"y,1\n')) expect(() => split(chunks)).toThrow(/^3: a closing quote/);
  });
});

interface Read {
  labels: number[];
  scores: number[];
  lines: number[];
  columns: readonly string[];
  /** [firstRow, rows] of each batch. */
  batches: Array<[number, number]>;
}

async function read(chunks: string[], options: Partial<DelimitedOptions> = {}): Promise<Read> {
  const out: Read = { labels: [], scores: [], lines: [], columns: [], batches: [] };
  for await (const batch of readDelimited(chunks, { name: 'in.csv', delimiter: ',', ...options })) {
    // Not push(...a): a wide batch would overflow the call stack.
    out.labels = out.labels.concat(Array.from(batch.labels));
    out.scores = out.scores.concat(Array.from(batch.scores));
    out.lines = out.lines.concat(Array.from(batch.lines!));
    out.columns = batch.columns;
    out.batches.push([batch.firstRow, batch.rows]);
    expect(batch.labels.length).toBe(batch.rows);
    expect(batch.scores.length).toBe(batch.rows * batch.columns.length);
  }
  return out;
}

/** The good rows yielded before the error, and the error. */
async function readUntilError(text: string, options: Partial<DelimitedOptions> = {}): Promise<[number[], unknown]> {
  const labels: number[] = [];
  try {
    for await (const batch of readDelimited([text], { name: 'in.csv', delimiter: ',', ...options })) {
      labels.push(...batch.labels);
    }
  } catch (error) {
    return [labels, error];
  }
  throw new Error('no error');
}

describe('readDelimited', () => {
  it('reads labels and scores as float64, with lines', async () => {
    const r = await read(['label,logit_0,logit_1\n2,0.1,-inf\n0,1e300,NaN\n']);
    expect(r.columns).toEqual(['logit_0', 'logit_1']);
    expect(r.labels).toEqual([2, 0]);
    expect(r.scores).toEqual([0.1, -Infinity, 1e300, NaN]);
    expect(r.lines).toEqual([2, 3]);
  });

  it('finds the label column anywhere and ignores columns whose first value is not a number', async () => {
    const r = await read(['id,p_0,note,label,p_1\nimg-1,0.25,ok,1,0.75\n"x,2",1,3.5,0,0\n']);
    expect(r.columns).toEqual(['p_0', 'p_1']);
    expect(r.labels).toEqual([1, 0]);
    expect(r.scores).toEqual([0.25, 0.75, 1, 0]);
  });

  it('takes the label column named by labelColumn', async () => {
    const r = await read(['y,label\n1,0\n'], { labelColumn: 'y' });
    expect(r.labels).toEqual([1]);
    expect(r.columns).toEqual(['label']);
  });

  it('strips a byte-order mark before the header', async () => {
    expect((await read(['\uFEFFlabel,p_0,p_1\n0,1,0\n'])).labels).toEqual([0]);
  });

  it('keeps the physical line of rows after multi-line quoted fields', async () => {
    const r = await read(['note,label,logit_0\r\n"a\r\nb",0,1\r\n\r\nc,0,2']);
    expect(r.lines).toEqual([2, 5]);
  });

  // Batch edges: 1 row, batch−1, batch, batch+1, several batches; whatever the text chunking.
  it.each([1, 4, 5, 6, 11])('splits %i rows into batches of 5 in order', async (n) => {
    const text = `label,logit_0\n${Array.from({ length: n }, (_, i) => `${i % 2},${i}\n`).join('')}`;
    const expectedBatches = Array.from({ length: Math.ceil(n / 5) }, (_, b) => [b * 5, Math.min(5, n - b * 5)]);
    for (const chunks of [[text], [...text]]) {
      const r = await read(chunks, { batchRows: 5 });
      expect(r.batches).toEqual(expectedBatches);
      expect(r.scores).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(r.lines).toEqual(Array.from({ length: n }, (_, i) => i + 2));
    }
  });

  it('keeps batches near 2^20 scores when rows are wide', async () => {
    const k = 300_000;
    const header = `label,${Array.from({ length: k }, (_, c) => `logit_${c}`).join(',')}\n`;
    const row = `0,${'0,'.repeat(k - 1)}0\n`;
    const r = await read([header, row, row, row, row]);
    expect(r.batches).toEqual([
      [0, 3],
      [3, 1],
    ]); // floor(2^20 / 300000) = 3 rows per batch
  });

  const errors: Array<[string, string, RegExp]> = [
    ['a non-number', 'label,logit_0\n0,1\n1,abc\n', /^in\.csv:3: column "logit_0": "abc" is not a number$/],
    [
      'a number with junk',
      'label,logit_0\n0,1\n1,0.25abc\n',
      /^in\.csv:3: column "logit_0": "0.25abc" is not a number$/,
    ],
    ['an empty field', 'label,logit_0\n0,1\n1,\n', /^in\.csv:3: column "logit_0": "" is not a number$/],
    [
      'a label that is no class',
      'label,logit_0,logit_1\n0,1,2\ncat,2,3\n',
      /^in\.csv:3: label "cat" is not a class \(logit_0, logit_1\)$/,
    ],
    ['too few fields', 'label,logit_0,logit_1\n0,1,2\n1,2\n', /^in\.csv:3: 2 fields, but the header has 3$/],
    ['too many fields', 'label,logit_0\n0,1\n1,2,3\n', /^in\.csv:3: 3 fields, but the header has 2$/],
    ['no data rows', 'label,logit_0\n', /^in\.csv:1: a header but no data rows$/],
    ['an empty input', '', /^in\.csv:1: no header row/],
    ['no label column', 'y,logit_0\n0,1\n', /^in\.csv:1: no column named "label"/],
    ['no score column', 'label,name\n0,x\n', /^in\.csv:2: no numeric score column/],
    [
      'an unclosed quote',
      'label,logit_0\n0,1\n1,"2\n',
      /^in\.csv:3: a quoted field starting on this line is never closed$/,
    ],
  ];

  it.each(errors)('stops at %s with an InputError naming the line', async (_name, text, message) => {
    const [, error] = await readUntilError(text);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
  });

  it('yields the good rows before a bad one, then throws', async () => {
    const [labels, error] = await readUntilError('label,logit_0,logit_1\n0,1,0\n1,2,0\n0,x,0\n1,3,0\n', {
      batchRows: 8192,
    });
    expect(labels).toEqual([0, 1]);
    expect((error as Error).message).toMatch(/^in\.csv:4:/);
  });
});
