/**
 * B-cubed precision / recall / F1 (item-averaged) of a clustering against true clusters, and the share
 * of the largest predicted cluster: the standard measures for "one story, one issue" and "no
 * mega-issue".
 */
export interface ClusteringScore {
  n: number;
  issues: number;
  goldClusters: number;
  bcubedPrecision: number;
  bcubedRecall: number;
  bcubedF1: number;
  largestIssueShare: number;
  largestGoldShare: number;
}

export function bcubed(predicted: readonly string[], gold: readonly string[]): ClusteringScore {
  if (predicted.length !== gold.length) throw new Error('predicted and gold differ in length');
  const n = predicted.length;
  const pairCount = new Map<string, number>();
  const predCount = new Map<string, number>();
  const goldCount = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const p = predicted[i]!;
    const g = gold[i]!;
    const key = `${p}\u0000${g}`;
    pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    goldCount.set(g, (goldCount.get(g) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  for (let i = 0; i < n; i++) {
    const both = pairCount.get(`${predicted[i]}\u0000${gold[i]}`)!;
    precision += both / predCount.get(predicted[i]!)!;
    recall += both / goldCount.get(gold[i]!)!;
  }
  precision = n ? precision / n : 0;
  recall = n ? recall / n : 0;
  const largest = (m: Map<string, number>) => (n ? Math.max(0, ...m.values()) / n : 0);
  return {
    n,
    issues: predCount.size,
    goldClusters: goldCount.size,
    bcubedPrecision: precision,
    bcubedRecall: recall,
    bcubedF1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    largestIssueShare: largest(predCount),
    largestGoldShare: largest(goldCount),
  };
}
