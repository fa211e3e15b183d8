// How notebook 03's training recipe is chosen: on its validation cases only (this script never predicts the
// test split). Each design trains the notebook's U-Net on the notebook's data from three seeds; the criterion,
// fixed before the first run, is the highest mean − sd of the mean validation Dice over the seeds (a recipe
// must be good and give the same lesson to every student). Writes bench/results/segmentation-designs.json.
//   node --import tsx bench/designs/nodule-segmentation.ts [design[:seed,seed…] …]   (seeds: add to those recorded)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/cnn/backend';
import { cosineDecay } from '../../src/cnn/learningRate';
import { diceCrossEntropy } from '../../src/cnn/losses/diceCrossEntropy';
import { diceByCase } from '../../src/cnn/metrics';
import { unet2d } from '../../src/cnn/models';
import { train } from '../../src/cnn/train';
import { phantomTensors, splitPhantomTensors } from '../../src/medical/phantomTensors';
import { spread } from '../support/notebookRuns';

const SEEDS = [11, 12, 13];
const EPOCHS = 20;
// the notebook's full-mode cohort: 120 phantom patients, a quarter each for validation and test
const COHORT = { count: 120, split: { train: 0.5, val: 0.25, test: 0.25 } };

type Loss = (truth: tf.Tensor, predicted: tf.Tensor) => tf.Tensor;
/** Binary cross-entropy with nodule pixels weighted 20× (the notebook's earlier loss). */
const weightedBce: Loss = (truth, predicted) =>
  tf.tidy(() => {
    const p = predicted.clipByValue(1e-6, 1 - 1e-6);
    const perPixel = truth
      .mul(p.log())
      .add(truth.neg().add(1).mul(p.neg().add(1).log()))
      .neg();
    return perPixel.mul(truth.mul(19).add(1)).mean();
  });

interface Design {
  changes: string;
  loss: Loss;
  batchSize: number;
  learningRate: number | ((epoch: number) => number);
}

/** Each recipe trains once per seed and is scored twice: keeping its last epoch, and (`NAME_best`) keeping the
 *  epoch with the best validation Dice — what train()'s keepBest does; the training itself is the same. */
const DESIGNS: Record<string, Design> = {
  base: {
    changes: 'the earlier recipe: weighted BCE, batch 4, constant 1e-3',
    loss: weightedBce,
    batchSize: 4,
    learningRate: 1e-3,
  },
  cosine: {
    changes: 'cosine 2e-3 → 1e-5',
    loss: weightedBce,
    batchSize: 4,
    learningRate: cosineDecay(2e-3, EPOCHS, 1e-5),
  },
  dice_bce: {
    changes: 'Dice + BCE loss (batch 4, constant 1e-3)',
    loss: diceCrossEntropy,
    batchSize: 4,
    learningRate: 1e-3,
  },
  dice_bce_cosine: {
    changes: 'Dice + BCE loss, cosine 2e-3 → 1e-5 (batch 4)',
    loss: diceCrossEntropy,
    batchSize: 4,
    learningRate: cosineDecay(2e-3, EPOCHS, 1e-5),
  },
  dice_b16_cosine: {
    changes: 'Dice + BCE loss, batch 16, cosine 3e-3 → 1e-5',
    loss: diceCrossEntropy,
    batchSize: 16,
    learningRate: cosineDecay(3e-3, EPOCHS, 1e-5),
  },
};

async function main(): Promise<void> {
  const info = await initBackend({ prefer: 'wasm' });
  // the notebook's full-mode data, split and training subset
  const data = phantomTensors(COHORT.count, { seed: 21, size: 64, slices: 16, fovMm: 180 });
  const split = splitPhantomTensors(data, COHORT.split, 3);
  const trainLabels = split.train.labels.dataSync();
  const keep = tf.tensor1d(
    Array.from(trainLabels.keys()).filter((i) => trainLabels[i] === 1 || i % 4 === 0),
    'int32',
  );
  const trainX = tf.gather(split.train.images, keep);
  const trainY = tf.gather(split.train.masks, keep);
  const valTruth = split.val.masks.dataSync();
  const valCases = new Set(Array.from(split.val.caseOfExample).filter((c) => data.cases[c].hasNodule));
  const valDice = (model: tf.LayersModel): number => {
    const predicted = tf.tidy(() => (model.predict(split.val.images, { batchSize: 16 }) as tf.Tensor).dataSync());
    const perCase = diceByCase(predicted, valTruth, split.val.caseOfExample).filter((c) => valCases.has(c.caseIndex));
    return perCase.reduce((sum, c) => sum + c.dice, 0) / perCase.length;
  };

  const target = path.join(__dirname, '..', 'results', 'segmentation-designs.json');
  // designs recorded on another cohort or epoch count are not comparable and are dropped
  const recorded = existsSync(target)
    ? (JSON.parse(readFileSync(target, 'utf8')) as {
        cohort?: unknown;
        epochs?: number;
        designs: Record<string, unknown>;
      })
    : undefined;
  const comparable = JSON.stringify(recorded?.cohort) === JSON.stringify(COHORT) && recorded?.epochs === EPOCHS;
  const previous = comparable ? recorded!.designs : {};
  const results: Record<string, unknown> = { ...previous };
  const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(DESIGNS);
  for (const choice of wanted) {
    const [name, only] = choice.split(':');
    const design = DESIGNS[name];
    if (!design) throw new Error(`unknown design '${name}': ${Object.keys(DESIGNS).join(', ')}`);
    const seeds = only === undefined ? SEEDS : only.split(',').map(Number);
    // runs recorded earlier for other seeds are kept (their per-epoch Dice gives both ways of keeping an epoch)
    const earlier = (
      (results[name] as { runs?: { seed: number; seconds: number; val_dice_by_epoch: number[] }[] } | undefined)
        ?.runs ?? []
    ).filter((r) => !seeds.includes(r.seed));
    const runs = earlier.map((r) => {
      const best = r.val_dice_by_epoch.indexOf(Math.max(...r.val_dice_by_epoch));
      return {
        seed: r.seed,
        last: r.val_dice_by_epoch[EPOCHS - 1],
        best: r.val_dice_by_epoch[best],
        best_epoch: best + 1,
        seconds: r.seconds,
        val_dice_by_epoch: r.val_dice_by_epoch,
      };
    });
    for (const seed of seeds) {
      const model = unet2d({ inputShape: [64, 64, 1], baseFilters: 8, depth: 3, seed });
      const initial = typeof design.learningRate === 'number' ? design.learningRate : design.learningRate(0);
      model.compile({ optimizer: tf.train.adam(initial), loss: design.loss });
      const result = await train(
        model,
        { x: trainX, y: trainY },
        {
          epochs: EPOCHS,
          batchSize: design.batchSize,
          learningRate: design.learningRate,
          seed,
          display: false,
          epochMetrics: { val_dice: valDice },
        },
      );
      const byEpoch = result.history.val_dice.map((d) => +d.toFixed(4));
      const best = byEpoch.indexOf(Math.max(...byEpoch));
      runs.push({
        seed,
        last: byEpoch[EPOCHS - 1],
        best: byEpoch[best],
        best_epoch: best + 1,
        seconds: +(result.elapsedMs / 1000).toFixed(1),
        val_dice_by_epoch: byEpoch,
      });
      console.log(name, runs[runs.length - 1]);
      model.dispose();
      for (const kept of ['last', 'best'] as const) {
        const dice = spread(runs.map((r) => r[kept]));
        const label = kept === 'last' ? name : `${name}_best`;
        const what = kept === 'last' ? 'last epoch kept' : 'best validation epoch kept';
        results[label] = {
          changes: `${design.changes}; ${what}`,
          val_dice: dice,
          criterion: runs.length === SEEDS.length ? +(dice.mean - dice.sd).toFixed(4) : null,
          runs: runs.map((r) => ({
            seed: r.seed,
            val_dice: r[kept],
            ...(kept === 'best'
              ? { epoch: r.best_epoch }
              : { seconds: r.seconds, val_dice_by_epoch: r.val_dice_by_epoch }),
          })),
        };
      }
      // a design stopped before its last seed has no criterion and ranks last
      const ranked = Object.entries(results as Record<string, { criterion: number | null }>).sort(
        ([, a], [, b]) => (b.criterion ?? -1) - (a.criterion ?? -1),
      );
      writeFileSync(
        target,
        `${JSON.stringify(
          {
            date: new Date().toISOString(),
            machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'} (shared), Node ${process.version}, tfjs ${info.name}`,
            criterion:
              'highest mean − sd over seeds of the mean validation Dice (cases with nodules); the test split is never predicted',
            seeds: SEEDS,
            cohort: COHORT,
            epochs: EPOCHS,
            leader: ranked[0][0],
            designs: Object.fromEntries(ranked),
          },
          null,
          2,
        )}\n`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
