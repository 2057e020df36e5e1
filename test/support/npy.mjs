// .npy files (format 1.0) as numpy.save writes them, for tests and the CLI benchmark.

/** The header: magic, version 1.0, length, and the dict padded with spaces to a multiple of 64, ending in \n. */
export function npyHeader(descr, shape) {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/** A whole .npy file: the header, then the data's bytes (little-endian, C order). */
export function npy(descr, shape, data) {
  const head = npyHeader(descr, shape);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  return out;
}
