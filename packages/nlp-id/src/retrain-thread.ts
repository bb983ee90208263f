/**
 * Retraining off the main thread. A retrain is seconds to a minute of CPU (a dozen trainings for the
 * folds), and the scorer process that takes the job must keep enriching and assigning posts
 * meanwhile: run inline, it stopped the scorer's event loop, so every post ingested during a retrain
 * waited for it and Kafka saw a consumer that stopped heart-beating.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RetrainInput, RetrainResult } from './retrain';

/** What the worker thread answers. */
export type RetrainThreadMessage = { result: RetrainResult } | { error: string };

/**
 * The worker's code: `retrain-worker.js` beside this file in a bundle (`npm run build` emits it next to
 * the scorer's main.js), else the TypeScript source, run through tsx's require hook registered in the
 * worker itself (a worker does not inherit a loader the process got with `--import`).
 */
function workerSource(): { code: string; eval: true } | { file: string } {
  const bundled = path.join(__dirname, 'retrain-worker.js');
  if (fs.existsSync(bundled)) return { file: bundled };
  const tsx = require.resolve('tsx/cjs/api');
  const entry = path.join(__dirname, 'retrain-worker.ts');
  return {
    code: `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`,
    eval: true,
  };
}

/** `retrainHoaxModel` in a worker thread: the same result, without blocking the caller's event loop. */
export function retrainHoaxModelInThread(input: RetrainInput): Promise<RetrainResult> {
  const source = workerSource();
  return new Promise((resolve, reject) => {
    const worker =
      'file' in source
        ? new Worker(source.file, { workerData: input })
        : new Worker(source.code, { eval: true, workerData: input });
    let answered = false;
    worker.once('message', (message: RetrainThreadMessage) => {
      answered = true;
      if ('result' in message) resolve(message.result);
      else reject(new Error(`retrain failed: ${message.error}`));
    });
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`retrain thread exited with code ${code} before answering`));
    });
  });
}
