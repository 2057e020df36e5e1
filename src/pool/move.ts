/**
 * A task's result and the buffers that move back with it, rather than being copied (for
 * `pool.run`: by default only typed arrays at the result's top level move). The key is a
 * registered symbol, so that the marker is recognised across module instances (a bundled task
 * module and the pool thread's own copy of this file).
 */
const MOVE = Symbol.for('xentropy.pool.move');

interface Moved {
  [MOVE]: true;
  value: unknown;
  transfer: Transferable[];
}

/**
 * Marks `value` (returned by a task function) to be posted with `transfer` moved, not copied.
 *
 * @example
 * export function scoreBlock(block: Float64Array) {
 *   const out = new Float64Array(block.length);
 *   return move({ out, spent: block.buffer }, [out.buffer, block.buffer]);
 * }
 */
export function move<T>(value: T, transfer: Transferable[]): T {
  return { [MOVE]: true, value, transfer } satisfies Moved as unknown as T;
}

/** The value and buffers of a {@link move}d result, or null for any other value. */
export function moved(x: unknown): { value: unknown; transfer: Transferable[] } | null {
  if (x === null || typeof x !== 'object' || (x as Partial<Moved>)[MOVE] !== true) return null;
  const { value, transfer } = x as Moved;
  return { value, transfer };
}
