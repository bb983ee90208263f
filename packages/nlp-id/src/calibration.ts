/** Calibration of the hoax model's scores (Platt scaling), the decision threshold, and binary metrics. */

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
/** One-feature logistic regression by Newton's method: p = σ(a·z + b). */
export function fitPlatt(logits: readonly number[], labels: readonly (0 | 1)[]): { a: number; b: number } {
  // Platt's smoothed targets: when the out-of-fold scores separate the classes perfectly (small or easy
  // corpora), 0/1 targets drive the slope to infinity and every score to 0 or 1.
  let positives = 0;
  for (const y of labels) positives += y;
  const negatives = labels.length - positives;
  const targetHoax = (positives + 1) / (positives + 2);
  const targetOk = 1 / (negatives + 2);
  const loss = (sa: number, sb: number): number => {
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const t = labels[i] === 1 ? targetHoax : targetOk;
      const z = sa * (logits[i] as number) + sb;
      // log(1 + e^z) − t·z, computed stably.
      total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
    }
    return total;
  };
  let a = 1;
  let b = 0;
  for (let iter = 0; iter < 50; iter++) {
    let ga = 0,
      gb = 0,
      haa = 1e-6,
      hab = 0,
      hbb = 1e-6;
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i] as number;
      const p = sigmoid(a * z + b);
      const e = p - (labels[i] === 1 ? targetHoax : targetOk);
      const w = p * (1 - p);
      ga += e * z;
      gb += e;
      haa += w * z * z;
      hab += w * z;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    let da = (hbb * ga - hab * gb) / det;
    let db = (haa * gb - hab * ga) / det;
    // Backtracking: an undamped Newton step can overshoot when the scores are nearly separable.
    const before = loss(a, b);
    while (loss(a - da, b - db) > before + 1e-12 && Math.abs(da) + Math.abs(db) > 1e-12) {
      da /= 2;
      db /= 2;
    }
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  // A non-positive slope would invert the model; fall back to the raw logit.
  return a > 0 ? { a, b } : { a: 1, b: 0 };
}

export interface BinaryMetrics {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  macroF1: number;
}

export function binaryMetrics(labels: readonly (0 | 1)[], predicted: readonly (0 | 1)[]): BinaryMetrics {
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  labels.forEach((y, i) => {
    const p = predicted[i];
    if (y === 1 && p === 1) tp++;
    else if (y === 0 && p === 1) fp++;
    else if (y === 0) tn++;
    else fn++;
  });
  const f1Of = (t: number, f: number, m: number): number => (t === 0 ? 0 : (2 * t) / (2 * t + f + m));
  const f1 = f1Of(tp, fp, fn);
  const f1Negative = f1Of(tn, fn, fp);
  const n = labels.length;
  return {
    n,
    accuracy: n === 0 ? 0 : (tp + tn) / n,
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: tp + fn === 0 ? 0 : tp / (tp + fn),
    f1,
    macroF1: (f1 + f1Negative) / 2,
  };
}

/**
 * The threshold with the best macro-F1 on held-out probabilities. When a range of thresholds ties (the
 * out-of-fold scores separate the classes, as on small or easy corpora), the middle of the first best
 * range, not its lower end, so the decision does not sit at the edge of the positive scores.
 */
export function bestThreshold(probabilities: readonly number[], labels: readonly (0 | 1)[]): number {
  const candidates: number[] = [];
  for (let t = 5; t <= 95; t++) candidates.push(t / 100);
  const scores = candidates.map(
    (t) =>
      binaryMetrics(
        labels,
        probabilities.map((p) => (p >= t ? 1 : 0)),
      ).macroF1,
  );
  const bestScore = Math.max(...scores);
  const first = scores.findIndex((s) => s >= bestScore - 1e-9);
  let last = first;
  while (last + 1 < scores.length && (scores[last + 1] as number) >= bestScore - 1e-9) last++;
  return candidates[Math.floor((first + last) / 2)] as number;
}
