// The one seeded generator for test and benchmark inputs (plain JS, so child processes, the
// bench and the TypeScript tests share it): the same bytes on every run.

/** mulberry32 (Tommy Ettinger's 32-bit state PRNG): uniform in [0, 1), 32 random bits each. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
