/**
 * worker_threads entry of test/concurrency.test.ts: loads the package in this thread (its own
 * realm, its own wasm instance), runs test/child/suite.mjs `rounds` times and posts the results of
 * each round (Float64Arrays, transferred).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { suite } from './suite.mjs';

const { lib, backend, seed, rounds } = workerData;
const { js, load } = await import(pathToFileURL(lib).href);
const x = backend === 'js' ? js : await load({ backend: 'wasm' });
const out = [];
for (let i = 0; i < rounds; i++) out.push(suite(x, seed));
parentPort.postMessage(
  { backend: x.backend, rounds: out },
  out.flat().map((a) => a.buffer),
);
