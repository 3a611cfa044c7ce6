import { minimizeLbfgs, type Objective } from './lbfgs';
import { trainLogisticHead, type LabelledEmbedding } from './logistic-head';

describe('minimizeLbfgs', () => {
  it('finds the minimum of an ill-conditioned quadratic', () => {
    // f(x) = sum_i c_i (x_i - t_i)^2 / 2 with curvatures 1..1000.
    const curvature = [1, 10, 100, 1000];
    const target = [3, -2, 0.5, 7];
    const result = minimizeLbfgs(
      (x, gradient) => {
        let value = 0;
        x.forEach((v, i) => {
          gradient[i] = curvature[i] * (v - target[i]);
          value += (curvature[i] * (v - target[i]) ** 2) / 2;
        });
        return value;
      },
      [0, 0, 0, 0],
      { gradientTolerance: 1e-9, relativeTolerance: 0 },
    );
    expect(result.converged).toBe(true);
    result.x.forEach((v, i) => expect(v).toBeCloseTo(target[i], 6));
    expect(result.gradientMax).toBeLessThanOrEqual(1e-9);
  });

  /** Rosenbrock's function and its gradient: a curved valley, minimum 0 at (1, 1). */
  const rosenbrock: Objective = ([x, y], gradient) => {
    gradient[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    gradient[1] = 200 * (y - x * x);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  };

  it('minimizes the Rosenbrock function from the textbook start', () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-8, maxIterations: 500 });
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it('stops at maxIterations and says it did not converge', () => {
    const result = minimizeLbfgs(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(result).toMatchObject({ iterations: 3, converged: false });
  });
});

describe('trainLogisticHead reaches the minimum of its loss', () => {
  // Two overlapping classes in 3 dimensions (not separable, so the minimum is finite even with a weak L2).
  const examples: (LabelledEmbedding & { embedding: number[]; weight: number })[] = Array.from(
    { length: 60 },
    (_, i) => {
      const label = (i % 2) as 0 | 1;
      const t = i / 60;
      return {
        embedding: [label + Math.sin(7 * i), 0.5 * label + Math.cos(3 * i), t],
        label,
        weight: 1 + (i % 3),
      };
    },
  );

  it('has a zero gradient at the head it returns, and more training changes nothing', () => {
    const l2 = 0.03;
    const head = trainLogisticHead(examples, { l2 });
    // The gradient of the weighted, class-balanced log loss + l2 / 2 |w|^2 at the head, recomputed here.
    let positive = 0;
    let negative = 0;
    for (const e of examples) {
      if (e.label === 1) positive += e.weight;
      else negative += e.weight;
    }
    const total = positive + negative;
    const gradient = [0, 0, 0, 0];
    for (const e of examples) {
      const w = (e.weight * total) / (2 * (e.label === 1 ? positive : negative));
      const z = e.embedding.map((v, j) => (v - head.mean[j]) / head.std[j]);
      const logit = head.bias + z.reduce((sum, v, j) => sum + v * head.weights[j], 0);
      const error = (w * (1 / (1 + Math.exp(-logit)) - e.label)) / total;
      z.forEach((v, j) => (gradient[j] += error * v));
      gradient[3] += error;
    }
    head.weights.forEach((w, j) => (gradient[j] += l2 * w));
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-5);
    expect(trainLogisticHead(examples, { l2, maxIterations: 5000 }).weights).toEqual(
      head.weights.map((w) => expect.closeTo(w, 5)),
    );
  });
});
