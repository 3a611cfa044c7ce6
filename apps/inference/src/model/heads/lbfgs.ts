/** The function to minimize: writes the gradient at `x` into `gradient` and returns the value there. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop after this many iterations even if not converged. Default 1000. */
  maxIterations?: number;
  /** Converged when the largest gradient component is at most this. Default 1e-6. */
  gradientTolerance?: number;
  /** Converged when an iteration lowers the value by at most this fraction of it. Default 1e-12. */
  relativeTolerance?: number;
  /** Correction pairs kept. Default 10. */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  /** Largest gradient component at `x`. */
  gradientMax: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]));
  return max;
}

/**
 * Limited-memory BFGS (two-loop recursion) with a backtracking line search on the Armijo condition; a correction pair
 * whose curvature is not positive is not kept. No randomness: the same objective and start give the same result.
 * Meant for smooth convex objectives (a regularized logistic loss), where it reaches the unique minimum.
 */
export function minimizeLbfgs(objective: Objective, start: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 1000;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const relativeTolerance = options.relativeTolerance ?? 1e-12;
  const memory = options.memory ?? 10;
  const n = start.length;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(x, gradient);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(n);
  let candidate = new Float64Array(n);
  let candidateGradient = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(gradient) <= gradientTolerance;
  while (!converged && iterations < maxIterations) {
    iterations++;
    // direction = -H g by the two-loop recursion; H0 = (s.y / y.y) I from the newest pair.
    for (let i = 0; i < n; i++) direction[i] = -gradient[i];
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], direction);
      for (let i = 0; i < n; i++) direction[i] -= alpha[k] * y[k][i];
    }
    const last = s.length - 1;
    const scale = last >= 0 ? dot(s[last], y[last]) / dot(y[last], y[last]) : 1 / Math.max(1, maxAbs(gradient));
    for (let i = 0; i < n; i++) direction[i] *= scale;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], direction);
      for (let i = 0; i < n; i++) direction[i] += s[k][i] * (alpha[k] - beta);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -gradient[i] / Math.max(1, maxAbs(gradient));
      slope = dot(gradient, direction);
    }
    let step = 1;
    let next = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) candidate[i] = x[i] + step * direction[i];
      next = objective(candidate, candidateGradient);
      if (next <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(next <= value)) break; // no progress possible at this precision
    const ds = new Float64Array(n);
    const dy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ds[i] = candidate[i] - x[i];
      dy[i] = candidateGradient[i] - gradient[i];
    }
    const curvature = dot(ds, dy);
    if (curvature > 1e-12 * dot(dy, dy)) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(ds);
      y.push(dy);
      rho.push(1 / curvature);
    }
    const decrease = value - next;
    [x, candidate] = [candidate, x];
    [gradient, candidateGradient] = [candidateGradient, gradient];
    value = next;
    converged = maxAbs(gradient) <= gradientTolerance || decrease <= relativeTolerance * Math.max(1, Math.abs(value));
  }
  return { x, value, iterations, gradientMax: maxAbs(gradient), converged };
}
