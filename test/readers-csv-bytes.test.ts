import { describe, expect, it } from 'vitest';
import { RecordCutter } from '../src/io/csv-bytes.js';
import { parsePiece, readDelimited, readHead } from '../src/io/csv.js';
import { readNumber } from '../src/io/number-bytes.js';
import { rng } from './support/rng.mjs';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A seeded generator (mulberry32): the same numbers on every run. */
/** What the fast reader makes of `text` (followed by a comma), or undefined if it defers. */
function fast(text: string): number | undefined {
  const b = bytes(`${text},`);
  return readNumber(b, 0, b.length, 0x2c);
}

describe('readNumber (bytes to float64)', () => {
  const rand = rng(7);
  // Shortest round-trip (17 digits at most), fixed and exponent forms, long digit strings.
  const doubles = Array.from({ length: 20000 }, (_, i) => {
    const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 12 - 6);
    return i % 4 === 3 ? Math.fround(x) : x;
  });
  const texts = doubles.flatMap((x) => [
    String(x),
    x.toExponential(),
    x.toFixed(6),
    x.toPrecision(19),
    x.toPrecision(18),
  ]);

  it('is Number(text) exactly whenever it answers, for 100 000 texts', () => {
    let answered = 0;
    for (const text of texts) {
      const got = fast(text);
      if (got === undefined) continue;
      answered++;
      if (!Object.is(got, Number(text))) expect.fail(`${text}: got ${got}, Number gives ${Number(text)}`);
    }
    // Tiny and huge magnitudes with many digits go the string way; most do not.
    expect(answered / texts.length).toBeGreaterThan(0.8);
  });

  it('answers for nearly every logit-like value written at full precision', () => {
    const logits = doubles.filter((x) => Math.abs(x) > 1e-3 && Math.abs(x) < 1e3).map(String);
    const answered = logits.filter((text) => fast(text) !== undefined).length;
    expect(answered / logits.length).toBeGreaterThan(0.999);
  });

  it.each([
    ['0', 0],
    ['-0', -0],
    ['+1.5', 1.5],
    ['1.', 1],
    ['.5', 0.5],
    ['1e22', 1e22],
    ['-2.5E+2', -250],
    ['0.1', 0.1],
    ['9007199254740993', 9007199254740992],
    ['9007199254740995', 9007199254740996],
    ['123456789012345678', 123456789012345680],
    ['0.30000000000000004', 0.30000000000000004],
    ['2.2250738585072014e-10', 2.2250738585072014e-10],
    ['1797.6931348623157', 1797.6931348623157],
  ])('reads %s as %d (or defers)', (text, value) => {
    const got = fast(text);
    if (got !== undefined) expect(got).toBe(value);
  });

  it.each([
    '',
    '-',
    '.',
    'e5',
    '1e',
    '1e+',
    'abc',
    '0.25abc',
    '1 ',
    ' 1',
    'inf',
    'nan',
    '1e400',
    '1e-400',
    '12345678901234567890123',
  ])('defers %j to the string path', (text) => {
    expect(fast(text)).toBeUndefined();
  });

  it('stops at the delimiter, LF, CR or the end', () => {
    for (const end of [',', '\n', '\r', '']) {
      const b = bytes(`-12.5${end}`);
      expect(readNumber(b, 0, b.length, 0x2c)).toBe(-12.5);
    }
    expect(readNumber(bytes('1\t2'), 0, 3, 0x2c)).toBeUndefined();
    expect(readNumber(bytes('1\t2'), 0, 3, 0x09)).toBe(1);
  });
});

describe('pieces cut by RecordCutter, parsed apart (as worker threads do)', () => {
  const rand = rng(11);
  const rows = Array.from({ length: 400 }, (_, i) => {
    // A `"` inside an unquoted field is a literal (RFC 4180): the cutter must not see a quoted field there.
    const stray = i % 13 === 0 ? `ab"c${i}` : i % 17 === 0 ? `x${i}"` : undefined;
    const id = stray ?? (i % 7 === 0 ? `"id ""${i}"",\nsecond line"` : i % 5 === 0 ? `"a,${i}"` : `r${i}`);
    const scores = [0, 1, 2].map(() => String((rand() - 0.5) * 8));
    if (i % 11 === 0) scores[1] = `"${scores[1]}"`;
    return `${id},${i % 3},${scores.join(',')}`;
  });
  const ends = ['\n', '\r\n', '\r'];
  const longest = Math.max(...rows.map((r) => r.length)) + 2;

  it.each(ends.map((e) => [JSON.stringify(e), e]))(
    'give the rows and lines of one pass, line ends %s, at any cut size',
    async (_name, end) => {
      const text = `id,label,logit_0,logit_1,logit_2${end}${rows.join(end)}${end}${end}`;
      const all = bytes(text);
      const whole: { labels: number[]; scores: number[]; lines: number[] } = { labels: [], scores: [], lines: [] };
      for await (const batch of readDelimited([all], { name: 'x.csv', delimiter: ',' })) {
        whole.labels.push(...batch.labels);
        whole.scores.push(...batch.scores);
        whole.lines.push(...batch.lines!);
      }
      expect(whole.labels).toHaveLength(400);
      const head = readHead(all, true, { name: 'x.csv', delimiter: 0x2c })!;
      for (const size of [1, 7, 64, 1000, 4096]) {
        const cutter = new RecordCutter();
        const got: typeof whole = { labels: [], scores: [], lines: [] };
        let breaks = head.dataLine - 1;
        let carry = new Uint8Array(0);
        const flush = (piece: Uint8Array) => {
          // No piece outgrows a chunk and the record it ends in (a quote misread would make it the rest of the input).
          expect(piece.length).toBeLessThanOrEqual(size + longest);
          const p = parsePiece(piece, head.plan);
          expect(p.error).toBeUndefined();
          got.labels.push(...p.labels);
          got.scores.push(...p.scores);
          got.lines.push(...Array.from(p.lines, (l) => l + breaks));
          breaks += p.breaks;
        };
        const rest = all.subarray(head.dataStart);
        for (let at = 0; at < rest.length; at += size) {
          const chunk = rest.subarray(at, at + size);
          const cut = cutter.cut(chunk);
          const joined = new Uint8Array(carry.length + chunk.length);
          joined.set(carry);
          joined.set(chunk, carry.length);
          if (cut >= 0) {
            flush(joined.subarray(0, carry.length + cut));
            carry = joined.slice(carry.length + cut);
          } else carry = joined;
        }
        if (carry.length > 0) flush(carry);
        expect(got).toEqual(whole);
      }
    },
  );

  it('reports a bad record with its line in the piece and keeps the rows before it', () => {
    const head = readHead(bytes('label,p_0\n0,1\n'), true, { name: 'x.csv', delimiter: 0x2c })!;
    const p = parsePiece(bytes('0,1\n1,"0.5"\n\n1,x\n0,1\n'), head.plan);
    expect(p.rows).toBe(2);
    expect(Array.from(p.lines)).toEqual([1, 2]);
    expect(p.error).toEqual({ line: 4, message: 'column "p_0": "x" is not a number' });
  });
});
