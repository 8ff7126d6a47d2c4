/**
 * The one TensorFlow.js runtime of a worker process, shared by the vision models (nsfwjs moderation, CenterNet
 * objects): the WebAssembly backend (its .wasm files inside @tensorflow/tfjs-backend-wasm, read from disk, never
 * fetched), else the pure-JS CPU backend. Loaded once; a failed start is forgotten so the next call tries again.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');
export interface TfRuntime {
  tf: Tf;
  /** `wasm`, or `cpu` when the WebAssembly backend did not start (~15× slower, still correct) */
  backend: string;
}

let starting: Promise<TfRuntime> | undefined;

async function start(): Promise<TfRuntime> {
  const require = createRequire(import.meta.url);
  const tf = await import('@tensorflow/tfjs');
  let backend = 'wasm';
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`);
    if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not initialise');
  } catch {
    backend = 'cpu';
    await tf.setBackend('cpu');
  }
  await tf.ready();
  tf.enableProdMode();
  return { tf, backend };
}

/** The process-wide runtime. */
export function tfRuntime(): Promise<TfRuntime> {
  if (!starting) {
    starting = start();
    starting.catch(() => {
      starting = undefined;
    });
  }
  return starting;
}
