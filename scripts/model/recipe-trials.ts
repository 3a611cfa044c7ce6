/**
 * Recipes tried for issue 12 (recall on held-out sources), measured with `scripts/model/research/loso.py`: the numpy
 * mirror of head-experiments.ts (same rows, weights, standardization, LOSO protocol and alert point; heads trained to
 * the minimum of the same loss) on the embedding cache of the same build. The build's own LOSO (TypeScript) gives the
 * shipped figures; for the shipped recipe the mirror agrees with it (AUC 0.9520, 188/225). Rendered into
 * models/default/README.md.
 */
export interface RecipeTrial {
  recipe: string;
  auc: number;
  /** Failures flagged (of 225) at the pooled alert point (<= 5 % of held-out clean photos flagged). */
  flagged: number;
  aucWebcam: number;
  recallWebcam: number;
  perSource: string;
}

export const RECIPE_TRIALS_NOTE =
  "Measured by the numpy mirror (`python3 scripts/model/research/loso.py FILE RECIPE`) on the embedding cache of this build, every head trained to the minimum of its loss (L-BFGS), same LOSO protocol and alert point as above; each line changes the shipped recipe as named. Earlier heads were trained by 300 steps of full-batch Adam, which stopped short of the minimum: on these embeddings the previous recipe (L2 0.01) flagged 183/225 after 300 steps and 206/225 after 1000, and L2 0.02 with clean tiles of failure photos weighing 2 flagged 189 after 300 steps and 127 after 1000. Those comparisons measured where the optimizer stopped, not the recipes, and the previously shipped figures (AUC 0.9519, 188/225) could not be rebuilt from the code (a rebuild gave AUC 0.9354, 182/225). Trained to the minimum, the figures move smoothly with the recipe (L2 0.003, 0.01, 0.03, 0.1, 0.3: 178, 185, 188, 186, 184 of 225) and the build's own TypeScript LOSO matches the mirror. No recipe reaches the goal's 192/225 (85 %): every reasonable one flags 184-190, so differences of a few photos are not worth chasing; the shipped L2 is the one with the most failures flagged among those with AUC at least 0.95. The boxes this project drew on the 19 zaccomer-ender3 failure photos (`scripts/model/data/project-boxes.json`) raised AUC from 0.9407 to 0.9520 and the count from 181 to 188, and lifted the Ender-3's own spaghetti frames in sample (the real-photo test's frame from 0.62 to 0.92). A mirrored webcam-like copy of every photo did not help.";

export const RECIPE_TRIALS: RecipeTrial[] = [
  {
    recipe: '**shipped**: L2 0.03, variance floor 0.1, cleanTileWeight 1, groupPower 0, max over tiles, project boxes',
    auc: 0.952,
    flagged: 188,
    aucWebcam: 0.937,
    recallWebcam: 0.716,
    perSource: 'grigoras 11/13, p3rc1va1 67/85, prottos 102/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'L2 0.01 (the previous recipe, now trained to its minimum)',
    auc: 0.9427,
    flagged: 185,
    aucWebcam: 0.9242,
    recallWebcam: 0.693,
    perSource: 'grigoras 11/13, p3rc1va1 66/85, prottos 101/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: 'L2 0.003',
    auc: 0.9323,
    flagged: 178,
    aucWebcam: 0.9093,
    recallWebcam: 0.644,
    perSource: 'grigoras 10/13, p3rc1va1 63/85, prottos 98/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: 'L2 0.1',
    auc: 0.9587,
    flagged: 186,
    aucWebcam: 0.9462,
    recallWebcam: 0.711,
    perSource: 'grigoras 11/13, p3rc1va1 66/85, prottos 101/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'L2 0.3',
    auc: 0.9607,
    flagged: 184,
    aucWebcam: 0.9495,
    recallWebcam: 0.716,
    perSource: 'grigoras 11/13, p3rc1va1 63/85, prottos 103/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: 'clean tiles of failure photos weigh 2 (hard negatives)',
    auc: 0.9503,
    flagged: 189,
    aucWebcam: 0.9392,
    recallWebcam: 0.72,
    perSource: 'grigoras 11/13, p3rc1va1 68/85, prottos 102/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'frame score = log-sum-exp of the tile logits (needs an inference change)',
    auc: 0.9594,
    flagged: 190,
    aucWebcam: 0.9474,
    recallWebcam: 0.751,
    perSource: 'grigoras 12/13, p3rc1va1 68/85, prottos 102/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round',
    auc: 0.9514,
    flagged: 189,
    aucWebcam: 0.9375,
    recallWebcam: 0.733,
    perSource: 'grigoras 11/13, p3rc1va1 68/85, prottos 102/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'variance floor 0.3',
    auc: 0.9482,
    flagged: 187,
    aucWebcam: 0.9394,
    recallWebcam: 0.729,
    perSource: 'grigoras 11/13, p3rc1va1 66/85, prottos 102/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'no synthetic frames',
    auc: 0.9587,
    flagged: 188,
    aucWebcam: 0.939,
    recallWebcam: 0.76,
    perSource: 'grigoras 12/13, p3rc1va1 67/85, prottos 101/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'groupPower 0.5 (bigger groups weigh more)',
    auc: 0.9487,
    flagged: 187,
    aucWebcam: 0.9343,
    recallWebcam: 0.711,
    perSource: 'grigoras 11/13, p3rc1va1 65/85, prottos 103/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'no crops around failure boxes',
    auc: 0.9485,
    flagged: 184,
    aucWebcam: 0.933,
    recallWebcam: 0.716,
    perSource: 'grigoras 11/13, p3rc1va1 66/85, prottos 101/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: "without the project's boxes on the 19 zaccomer-ender3 failure photos (other embeddings)",
    auc: 0.9407,
    flagged: 181,
    aucWebcam: 0.9197,
    recallWebcam: 0.671,
    perSource: 'grigoras 11/13, p3rc1va1 61/85, prottos 101/108, zaccomer 8/19 (10/200)',
  },
  {
    recipe: 'plus a mirrored webcam-like copy of every photo (other embeddings; webcam figures over both copies)',
    auc: 0.9509,
    flagged: 185,
    aucWebcam: 0.9342,
    recallWebcam: 0.7,
    perSource: 'grigoras 11/13, p3rc1va1 66/85, prottos 99/108, zaccomer 9/19 (10/200)',
  },
];
