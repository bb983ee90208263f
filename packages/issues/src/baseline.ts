/**
 * The plain single-pass online TF-IDF cosine clusterer the data README describes (incremental IDF,
 * one centroid per cluster, clusters active in the last 24 h), on plain lower-cased word tokens. It is
 * the yardstick `pantau issues eval` prints beside Pantau's own figure, run on the same stream.
 */
export interface BaselineInput {
  id: string;
  text: string;
  at: number;
}

export function plainTfidfClusters(
  posts: readonly BaselineInput[],
  threshold = 0.15,
  activeMs = 24 * 3600_000,
): string[] {
  const df = new Map<string, number>();
  let docs = 0;
  const clusters: { centroid: Map<string, number>; norm: number; lastAt: number }[] = [];
  const out: string[] = [];
  for (const post of posts) {
    const tokens = post.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    docs += 1;
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, c] of tf) {
      const w = c * (Math.log((docs + 1) / (df.get(t)! + 1)) + 1);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    let best = -1;
    let bestSim = threshold;
    for (let i = 0; i < clusters.length; i++) {
      const c = clusters[i]!;
      if (post.at - c.lastAt > activeMs || c.norm === 0) continue;
      let dot = 0;
      for (const [t, w] of v) dot += w * (c.centroid.get(t) ?? 0);
      const sim = dot / c.norm;
      if (sim >= bestSim) {
        bestSim = sim;
        best = i;
      }
    }
    if (best < 0) {
      clusters.push({ centroid: new Map(), norm: 0, lastAt: post.at });
      best = clusters.length - 1;
    }
    const c = clusters[best]!;
    for (const [t, w] of v) c.centroid.set(t, (c.centroid.get(t) ?? 0) + w);
    let n2 = 0;
    for (const w of c.centroid.values()) n2 += w * w;
    c.norm = Math.sqrt(n2);
    c.lastAt = Math.max(c.lastAt, post.at);
    out.push(`c${best}`);
  }
  return out;
}
