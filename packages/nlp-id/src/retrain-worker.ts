/** Entry of the retrain worker thread (see retrain-thread.ts): trains, answers once, exits. */
import { parentPort, workerData } from 'node:worker_threads';
import { retrainHoaxModel, type RetrainInput } from './retrain';
import type { RetrainThreadMessage } from './retrain-thread';

let message: RetrainThreadMessage;
try {
  message = { result: retrainHoaxModel(workerData as RetrainInput) };
} catch (err) {
  message = { error: err instanceof Error ? err.message : String(err) };
}
parentPort!.postMessage(message);
