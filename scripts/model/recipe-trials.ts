/**
 * Recipes tried for issue 12 (recall on held-out sources), measured with `scripts/model/research/loso.py`: the numpy
 * mirror of head-experiments.ts (same rows, weights, standardization, full-batch Adam, LOSO protocol and alert
 * point) on the embedding cache of the same build. The build's own LOSO (TypeScript) gives the shipped figures;
 * for the shipped recipe the mirror agreed with it on the pooled count (191/225; AUC 0.9528 vs 0.9531) and within two
 * photos per source. Rendered into models/default/README.md.
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
  "Measured by the numpy mirror (`python3 scripts/model/research/loso.py FILE RECIPE`, float64 unless noted) on the embedding cache of a rebuild on 2026-12-07 (same code, same photos), same LOSO protocol and alert point as above; each line changes the baseline as named. That rebuild does not reproduce the shipped model's figures: its embeddings differ from the ones the shipped head was trained on (the head's standardization differs by up to 6.7 % per feature), and on them the shipped recipe gives AUC 0.9354 and 182/225 (80.9 %), not 0.9519 and 188/225. The figures move by several photos with small recipe changes (and with float32 vs float64 training), so differences of a few photos are noise. One multiple-instance round (`milRounds: 1`: the hottest unlabelled tile of each failure photo joins the failure rows, then the head is trained again) was the one change that raised pooled recall, AUC and the webcam copies at once, and the build's own TypeScript LOSO confirmed it: AUC 0.9531, 191/225 = 84.9 % at 5.0 % (webcam copies 0.9443, 80.4 % at 3.0 %; per source grigoras 12/13, p3rc1va1 75/85, prottos 98/108, zaccomer-ender3 6/19 and 10/200 clean), one photo short of the goal; combined with any other change tried its pooled recall fell below the baseline's. It was not shipped: the model it builds scores the Ender-3 webcam's own spaghetti frames low even though it was trained on them (`npm run eval:detector -- --by-source` on it: zaccomer-ender3 recall 0.316 in sample, `detector 426 photos: auc 0.9989, recall 0.867 at fpr 0.000 (threshold 0.490)`; YesDefects_train_81_ 0.459, where this model gives 1.000), and `test/detection/real-photos.e2e-spec.ts` then never pauses. The rebuild with the shipped recipe scores that frame 0.59 (mirror, in sample), so any rebuild on today's embeddings risks the same. Not finished in time: 1000 Adam steps; not tried: more webcam copies (a new embedding pass).";

export const RECIPE_TRIALS: RecipeTrial[] = [
  {
    recipe:
      "baseline: the shipped recipe on the rebuild's embeddings (groupPower 0, cleanTileWeight 1, L2 0.01, variance floor 0.1, 300 steps, max over tiles)",
    auc: 0.9354,
    flagged: 182,
    aucWebcam: 0.9224,
    recallWebcam: 0.72,
    perSource: 'grigoras 10/13, p3rc1va1 62/85, prottos 103/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: '**1 multiple-instance round** (the best; not shipped, see above)',
    auc: 0.9528,
    flagged: 191,
    aucWebcam: 0.9432,
    recallWebcam: 0.809,
    perSource: 'grigoras 10/13, p3rc1va1 76/85, prottos 99/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '2 multiple-instance rounds',
    auc: 0.948,
    flagged: 189,
    aucWebcam: 0.9306,
    recallWebcam: 0.756,
    perSource: 'grigoras 11/13, p3rc1va1 72/85, prottos 100/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round, variance floor 0.3',
    auc: 0.933,
    flagged: 176,
    aucWebcam: 0.9193,
    recallWebcam: 0.698,
    perSource: 'grigoras 9/13, p3rc1va1 63/85, prottos 98/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round, L2 0.003',
    auc: 0.9303,
    flagged: 171,
    aucWebcam: 0.9009,
    recallWebcam: 0.649,
    perSource: 'grigoras 10/13, p3rc1va1 59/85, prottos 96/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: '1 multiple-instance round, clean tiles of failure photos weigh 0.5',
    auc: 0.9393,
    flagged: 174,
    aucWebcam: 0.9117,
    recallWebcam: 0.684,
    perSource: 'grigoras 10/13, p3rc1va1 58/85, prottos 99/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe:
      '1 multiple-instance round, the picked tiles a (source, label) group of their own (adding weight, not diluting the whole frames)',
    auc: 0.9266,
    flagged: 171,
    aucWebcam: 0.9061,
    recallWebcam: 0.658,
    perSource: 'grigoras 10/13, p3rc1va1 58/85, prottos 97/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: 'frame score = mean of the 2 hottest tile logits (needs an inference change)',
    auc: 0.942,
    flagged: 180,
    aucWebcam: 0.932,
    recallWebcam: 0.724,
    perSource: 'grigoras 10/13, p3rc1va1 61/85, prottos 104/108, zaccomer 5/19 (10/200)',
  },
  {
    recipe: 'variance floor 0.3',
    auc: 0.9364,
    flagged: 182,
    aucWebcam: 0.9085,
    recallWebcam: 0.702,
    perSource: 'grigoras 9/13, p3rc1va1 61/85, prottos 105/108, zaccomer 7/19 (10/200)',
  },
  {
    recipe: 'L2 0.03',
    auc: 0.9109,
    flagged: 166,
    aucWebcam: 0.8903,
    recallWebcam: 0.587,
    perSource: 'grigoras 8/13, p3rc1va1 52/85, prottos 96/108, zaccomer 10/19 (10/200)',
  },
  {
    recipe: 'L2 0.1',
    auc: 0.9051,
    flagged: 146,
    aucWebcam: 0.8842,
    recallWebcam: 0.538,
    perSource: 'grigoras 7/13, p3rc1va1 35/85, prottos 98/108, zaccomer 6/19 (10/200)',
  },
  {
    recipe: 'clean tiles of failure photos weigh 3 (hard negatives)',
    auc: 0.8679,
    flagged: 123,
    aucWebcam: 0.8379,
    recallWebcam: 0.4,
    perSource: 'grigoras 7/13, p3rc1va1 27/85, prottos 84/108, zaccomer 5/19 (10/200)',
  },
  {
    recipe: 'groupPower 0.5 (float32 mirror, F32=1; the baseline in float32: AUC 0.9292, 171/225)',
    auc: 0.9106,
    flagged: 164,
    aucWebcam: 0.8887,
    recallWebcam: 0.56,
    perSource: 'grigoras 10/13, p3rc1va1 60/85, prottos 88/108, zaccomer 6/19 (10/200)',
  },
];
