/** The .npy 1.0 header for `descr` (e.g. '<f8') and `shape`. */
export function npyHeader(descr: string, shape: number[]): Uint8Array;
/** A whole .npy 1.0 file holding `data`. */
export function npy(descr: string, shape: number[], data: ArrayBufferView): Uint8Array;
