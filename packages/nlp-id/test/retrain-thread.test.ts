import {
  DEFAULT_TRAINING_FILE,
  readLabelledCsv,
  retrainHoaxModel,
  retrainHoaxModelInThread,
  trainHoaxModel,
  type HoaxModel,
} from '../src';

// As in retrain.test.ts (every 3rd row plays the analysts' labels), on part of the corpus and with 2 folds
// (the test trains twice over).
const all = readLabelledCsv(DEFAULT_TRAINING_FILE).slice(0, 300);
const labels = all.filter((_, i) => i % 3 === 0);
const corpus = all.filter((_, i) => i % 3 !== 0);
const options = { dim: 1 << 16 };
const current = trainHoaxModel(corpus, { version: 'in-use', ...options });
const input = { corpus, labels, current, version: 'candidate-thread', options, folds: 2 };

describe('retraining in a worker thread', () => {
  it('gives the inline result while the caller keeps running', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const started = Date.now();
    const threaded = await retrainHoaxModelInThread(input).finally(() => clearInterval(timer));
    const elapsed = Date.now() - started;
    // Inline, the event loop would not turn once until training ended (0 ticks); in a thread it turns
    // throughout (allowing for a busy machine: a third of the 5 ms ticks).
    expect(elapsed).toBeGreaterThan(100);
    expect(ticks).toBeGreaterThan(elapsed / 5 / 3);

    const inline = retrainHoaxModel(input);
    expect(threaded.promote).toBe(inline.promote);
    expect(threaded.reason).toBe(inline.reason);
    expect(threaded.figures).toEqual(inline.figures);
    const untimed = (m: HoaxModel) => ({ ...m, training: { ...m.training, createdAt: undefined } });
    expect(untimed(threaded.candidate)).toEqual(untimed(inline.candidate));
  });

  it('rejects with the reason when training fails in the thread', async () => {
    const broken = { ...input, current: { ...current, weights: null } as unknown as HoaxModel };
    expect(() => retrainHoaxModel(broken)).toThrow();
    await expect(retrainHoaxModelInThread(broken)).rejects.toThrow(/^retrain failed: /);
  });
});
