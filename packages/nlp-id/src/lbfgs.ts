/** Limited-memory BFGS, the optimiser of the hoax model's logistic regression. */

export interface LbfgsOptions {
  /** Pairs of (step, gradient change) remembered. */
  memory?: number;
  maxIterations?: number;
  /** Stop when the objective changes by less than this, relative to its size. */
  tolerance?: number;
  /** Stop when no gradient component is larger than this. */
  gradientTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += (a[i] as number) * (b[i] as number);
  return total;
};

/**
 * Limited-memory BFGS (Nocedal & Wright, algorithm 7.4/7.5) with a backtracking Armijo line search.
 * `objective(x, gradient)` returns f(x) and writes ∇f(x) into `gradient`.
 */
export function minimizeLbfgs(
  objective: (x: Float64Array, gradient: Float64Array) => number,
  start: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.tolerance ?? 1e-9;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const n = start.length;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let f = objective(x, g);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  const direction = new Float64Array(n);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const alphas = new Float64Array(m);
  const maxAbs = (v: Float64Array): number => {
    let best = 0;
    for (let i = 0; i < v.length; i++) best = Math.max(best, Math.abs(v[i] as number));
    return best;
  };
  let iterations = 0;
  let converged = maxAbs(g) <= gradientTolerance;
  while (!converged && iterations < maxIterations) {
    iterations++;
    // Two-loop recursion: direction = −H·g.
    for (let i = 0; i < n; i++) direction[i] = g[i] as number;
    for (let j = steps.length - 1; j >= 0; j--) {
      const alpha = (rhos[j] as number) * dot(steps[j] as Float64Array, direction);
      alphas[j] = alpha;
      const y = changes[j] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - alpha * (y[i] as number);
    }
    const last = steps.length - 1;
    const gamma =
      last >= 0
        ? 1 / ((rhos[last] as number) * dot(changes[last] as Float64Array, changes[last] as Float64Array))
        : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) direction[i] = gamma * (direction[i] as number);
    for (let j = 0; j < steps.length; j++) {
      const beta = (rhos[j] as number) * dot(changes[j] as Float64Array, direction);
      const s = steps[j] as Float64Array;
      const coefficient = (alphas[j] as number) - beta;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + coefficient * (s[i] as number);
    }
    for (let i = 0; i < n; i++) direction[i] = -(direction[i] as number);
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): forget the curvature pairs, take steepest descent.
      steps.length = changes.length = rhos.length = 0;
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < n; i++) direction[i] = -scale * (g[i] as number);
      slope = dot(direction, g);
    }
    let t = 1;
    let fNext = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNext[i] = (x[i] as number) + t * (direction[i] as number);
      fNext = objective(xNext, gNext);
      if (fNext <= f + 1e-4 * t * slope) break;
      t /= 2;
    }
    if (!(fNext <= f)) {
      // No decrease along a descent direction: at the limit of floating-point precision.
      converged = true;
      break;
    }
    const s = steps.length === m ? (steps.shift() as Float64Array) : new Float64Array(n);
    const y = changes.length === m ? (changes.shift() as Float64Array) : new Float64Array(n);
    if (rhos.length === m) rhos.shift();
    for (let i = 0; i < n; i++) {
      s[i] = (xNext[i] as number) - (x[i] as number);
      y[i] = (gNext[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      steps.push(s);
      changes.push(y);
      rhos.push(1 / sy);
    }
    const relative = (f - fNext) / Math.max(Math.abs(f), Math.abs(fNext), 1);
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    f = fNext;
    if (relative <= tolerance || maxAbs(g) <= gradientTolerance) converged = true;
  }
  return { x, value: f, iterations, converged };
}
