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
  // term → clusters whose centroid holds it. A cluster that went inactive can never take a post again
  // (only active clusters are joined), so it is dropped from the lists as they are walked: the same
  // result as comparing against every active cluster, without the quadratic cost on dense streams.
  const postings = new Map<string, number[]>();
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
    const dots = new Map<number, number>();
    for (const [t, w] of v) {
      const list = postings.get(t);
      if (!list) continue;
      let keep = 0;
      for (const i of list) {
        if (post.at - clusters[i]!.lastAt > activeMs) continue;
        list[keep++] = i;
        dots.set(i, (dots.get(i) ?? 0) + w * clusters[i]!.centroid.get(t)!);
      }
      list.length = keep;
    }
    let best = -1;
    let bestSim = threshold;
    for (const [i, dot] of dots) {
      const c = clusters[i]!;
      if (c.norm === 0) continue;
      const sim = dot / c.norm;
      if (sim > bestSim || (sim === bestSim && best < 0) || (sim === bestSim && i < best)) {
        bestSim = sim;
        best = i;
      }
    }
    if (best < 0) {
      clusters.push({ centroid: new Map(), norm: 0, lastAt: post.at });
      best = clusters.length - 1;
    }
    const c = clusters[best]!;
    for (const [t, w] of v) {
      const had = c.centroid.get(t);
      if (had === undefined) {
        let list = postings.get(t);
        if (!list) postings.set(t, (list = []));
        list.push(best);
      }
      c.centroid.set(t, (had ?? 0) + w);
    }
    let n2 = 0;
    for (const w of c.centroid.values()) n2 += w * w;
    c.norm = Math.sqrt(n2);
    c.lastAt = Math.max(c.lastAt, post.at);
    out.push(`c${best}`);
  }
  return out;
}
