// Writes the benchmark summary in README (between the bench markers) from bench/results/*.json, so the
// table always says what the last measured run said. Run by `npm run bench`, or alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

const load = (name) =>
  existsSync(`bench/results/${name}.json`) ? JSON.parse(readFileSync(`bench/results/${name}.json`, 'utf8')) : undefined;
const n = (v, digits = 1) =>
  v === null || v === undefined ? '—' : Number(v).toLocaleString('en', { maximumFractionDigits: digits });
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

function kernel(k) {
  return table(
    ['Kernel (issue 2)', 'radnb median', 'peer in the same run', 'goal'],
    [
      [
        'cold start → first cell result',
        `${n(k.coldStartMs.radnb.median, 0)} ms`,
        `\`node -e\` → output: ${n(k.coldStartMs.nodeBaseline.median, 0)} ms`,
        '≤ 1,500 ms',
      ],
      ['cold start incl. loading tfjs', `${n(k.coldStartMs.radnbWithTfjs.median, 0)} ms`, '—', '—'],
      [
        'trivial cell round trip (200 runs)',
        `${n(k.roundTripMs.radnb.median, 2)} ms (p95 ${n(k.roundTripMs.radnb.p95, 1)})`,
        `IPC echo: ${n(k.roundTripMs.ipcEchoBaseline.median, 2)} ms`,
        '≤ 5 ms',
      ],
      [
        '1,000 console.log lines streamed',
        `${n(k.stream1000LinesMs.radnb.median, 1)} ms`,
        `pipe: ${n(k.stream1000LinesMs.pipeBaseline.median, 1)} ms`,
        '—',
      ],
      [
        'interrupt `while (true) {}`, state kept',
        `${n(k.interruptMs.radnb.median, 0)} ms`,
        `SIGINT (state lost): ${n(k.interruptMs.sigintBaseline.median, 1)} ms`,
        '≤ 1,000 ms',
      ],
    ],
  );
}

function medical(m) {
  return table(
    ['DICOM decode + modality LUT, 512² CT (issue 3)', 'radnb img/s', 'pydicom img/s', 'ratio'],
    m.rows.map((r) => [
      r.workload,
      n(r.radnb?.imagesPerSecond),
      r.pydicom ? n(r.pydicom.imagesPerSecond) : '— (no decoder)',
      r.ratio === null ? '—' : `${n(r.ratio, 2)}×`,
    ]),
  );
}

function cnn(c) {
  const rows = c.rows.filter((r) => r.trainImgPerSec !== null || r.inferImgPerSec !== null);
  const body = table(
    ['CNN training / inference img/s (issues 5, 20)', 'runner', 'train', 'infer'],
    rows.map((r) => [r.workload, r.runner, n(r.trainImgPerSec), n(r.inferImgPerSec)]),
  );
  const ratios = table(
    ['wasm vs PyTorch CPU (same run)', 'train vs tuned', 'infer vs tuned', 'train vs default', 'infer vs default'],
    c.ratios.map((r) => [
      r.workload,
      n(r.wasmTrainVsTorchTuned, 2),
      n(r.wasmInferVsTorchTuned, 2),
      n(r.wasmTrainVsTorchDefault, 2),
      n(r.wasmInferVsTorchDefault, 2),
    ]),
  );
  const verdict = (least, workloads) => {
    const missed = c.ratios
      .filter((r) => workloads === undefined || workloads.includes(r.workload.split(' ')[0]))
      .flatMap((r) => [
        ...(r.wasmTrainVsTorchTuned < least ? [`training on ${r.workload.split(' ')[0]}`] : []),
        ...(r.wasmInferVsTorchTuned < least ? [`inference on ${r.workload.split(' ')[0]}`] : []),
      ]);
    return missed.length === 0 ? 'met' : `**not met** for ${missed.join(', ')}`;
  };
  return (
    `${body}\n\n${ratios}\n\nGoals: wasm ≥ 0.5 × tuned PyTorch for training and for inference on the two ` +
    `3-convolution CNNs (issue 5) — ${verdict(0.5, ['cnn128', 'medmnist28'])}; ≥ 1.0 × on every workload ` +
    `(issue 20) — ${verdict(1)}.`
  );
}

/** Where each workload's wasm step goes (`bench/cnn.ts --profile`): the remaining gap to PyTorch, explained. */
function cnnProfile(p) {
  const ratios = load('cnn')?.ratios ?? [];
  const rows = p.profiles.map((r) => {
    const ratio = ratios.find((x) => x.workload === r.workload);
    const vsTorch = r.mode === 'training' ? ratio?.wasmTrainVsTorchTuned : ratio?.wasmInferVsTorchTuned;
    const simd = r.simdFunctions.reduce((sum, f) => sum + f.percent, 0);
    const main = r.threads.find((t) => t.thread === 'main')?.percent ?? 0;
    const others = r.threads.reduce((sum, t) => sum + t.percent, 0) - main;
    const top = r.kernels
      .slice(0, 3)
      .map((k) => `${k.name} ${n(k.percent, 0)} %`)
      .join(', ');
    return [
      r.workload.split(' ')[0],
      // Profiles since the whole-step path name their route (`tfjs` layer by layer, or `whole step`); older ones ran through tfjs.
      r.route === undefined ? r.mode : `${r.mode}, ${r.route}`,
      n(vsTorch, 2),
      n(r.stepMs, 1),
      `main ${n(main, 0)} %, others ${n(others, 0)} %`,
      `${n(simd, 0)} %`,
      `${n(
        r.kernels.reduce((sum, k) => sum + k.callsPerStep, 0),
        0,
      )}`,
      top,
    ];
  });
  return table(
    [
      'wasm step profile (issue 20)',
      'mode',
      'vs tuned PyTorch',
      'step ms',
      'threads on a core (of the step)',
      'in SIMD functions',
      'kernel calls',
      'largest tfjs kernels (exclusive)',
    ],
    rows,
  );
}

function renderers(r) {
  return table(
    ['Renderers, Chromium (issue 4)', 'radnb', 'plain `<img>` PNG, same run', 'goal'],
    [
      [
        'window/level drag, 512² 16-bit frame',
        `${n(r.windowLevelDrag.radnb.drawMs.median, 1)} ms/frame (p95 ${n(r.windowLevelDrag.radnb.drawMs.p95, 1)})`,
        `${n(r.windowLevelDrag.imgPngBaseline.frameMs.median, 1)} ms/frame`,
        '≤ 8 ms',
      ],
      ['scroll a 300-slice 512² volume', `${n(r.volumeScroll.radnb.slicesPerSecond)} slices/s`, '—', '≥ 30 slices/s'],
      [
        'saved size of a 512² CT output',
        `${n(r.size.binaryBytes, 0)} B = ${n(r.size.binaryOverPng, 3)}× the PNG`,
        `PNG: ${n(r.size.pngBytes, 0)} B`,
        '≤ 1.2×',
      ],
    ],
  );
}

function soak(s) {
  return table(
    ['Soak (issue 8)', 'runs', 'tensor growth', 'heap growth', 'handle growth', 'bound'],
    [
      [
        'training + display in one kernel',
        n(s.runs, 0),
        n(s.growth.tensors, 0),
        `${n(s.growth.heapMb, 2)} MiB`,
        n(s.growth.handles, 0),
        `tensors ${s.bounds.tensors}, heap ${s.bounds.heapMb} MiB, handles ${s.bounds.handles}`,
      ],
    ],
  );
}

function language(l) {
  const { radnb, peerTypeScriptOneFile: peer, goals, vscode } = l;
  const cell = (s) => `${n(s.median, 0)} ms (p95 ${n(s.p95, 0)})`;
  const figure = (name) => (vscode[name] ? `${n(vscode[name].value, 0)} ${vscode[name].unit}` : '—');
  const met =
    radnb.memberCompletionMs.median <= goals.completionP50Ms && radnb.memberCompletionMs.p95 <= goals.completionP95Ms;
  return (
    table(
      [
        'Editor language service, 63-cell notebook (issue 16)',
        'radnb',
        'TypeScript alone, same code as one file, same run',
        'goal',
      ],
      [
        [
          'member completion (`x.`) while typing',
          cell(radnb.memberCompletionMs),
          cell(peer.memberCompletionMs),
          `≤ ${goals.completionP50Ms} / ${goals.completionP95Ms} ms`,
        ],
        ['name completion (first letter) while typing', cell(radnb.nameCompletionMs), cell(peer.nameCompletionMs), '—'],
        [
          'diagnostics of the edited cell after an edit',
          cell(radnb.diagnosticsOfEditedCellMs),
          `whole file: ${cell(peer.diagnosticsOfFileMs)}`,
          `≤ ${goals.diagnosticsAfterEditMs} ms`,
        ],
        ['diagnostics of every cell below it', cell(radnb.diagnosticsOfWholeNotebookMs), '—', '—'],
        ['open → every cell checked', `${n(radnb.coldStartMs, 0)} ms`, `${n(peer.coldStartMs, 0)} ms`, '—'],
        ['extension activation (VS Code marks)', figure('activation: load + activate()'), '—', '—'],
        [
          'extension host memory: none / one / two notebooks',
          [
            figure('extension host memory before any notebook'),
            figure('extension host memory with one notebook checked'),
            figure('extension host memory with two notebooks checked'),
          ].join(' / '),
          '—',
          '—',
        ],
      ],
    ) +
    `\n\nCompletion goal (p50/p95 of member completions) — ${met ? 'met' : '**not met**'}. Diagnostics goal (median` +
    ` of the edited cell) — ${radnb.diagnosticsOfEditedCellMs.median <= goals.diagnosticsAfterEditMs ? 'met' : '**not met**'}.` +
    ' Checks wait for typing to stop (twice the gap between keystrokes, 50 ms after an isolated edit).'
  );
}

function jupyter(j) {
  const { radnb, ipykernel } = j.roundTripMs;
  const cell = (s) => `${n(s.median, 2)} ms (p95 ${n(s.p95, 1)})`;
  return (
    table(
      ['Jupyter execute round trip via jupyter_client (issue 17)', 'radnb', 'ipykernel, same run', 'radnb / ipykernel'],
      [
        ['`1 + 1`', cell(radnb.trivial), cell(ipykernel.trivial), `${n(j.ratio.trivial, 2)}×`],
        ['one printed line', cell(radnb.printed), cell(ipykernel.printed), `${n(j.ratio.printed, 2)}×`],
      ],
    ) +
    `\n\nGoal: no slower than ipykernel (median) — ${j.ratio.trivial <= 1 && j.ratio.printed <= 1 ? 'met' : '**not met**'}.`
  );
}

/** Full-mode runs of the teaching notebooks (issues 6 and 19): each headline figure's mean ± sd over the seeds. */
function notebooks(files) {
  const entries = files.flatMap((f) => Object.entries(f.notebooks ?? {})).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return undefined;
  const label = (k) => k.replace(/_/g, ' ');
  const rows = entries.flatMap(([name, r]) => {
    // a record from before seeds were run: one value per figure
    const figures =
      r.figures ??
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => !['date', 'seconds'].includes(k))
          .map(([k, v]) => [k, { mean: v, sd: null, min: v, max: v }]),
      );
    const seeds = r.seeds
      ? r.seeds[0] === null
        ? '1 (its default seed)'
        : `${r.seeds.length} (${r.seeds.join(', ')})`
      : '1';
    return Object.entries(figures).map(([k, f], i) => [
      i === 0 ? `\`${name}\`` : '',
      label(k),
      f.sd === null ? n(f.mean, 3) : `${n(f.mean, 3)} ± ${n(f.sd, 3)}`,
      f.min === f.max ? '—' : `${n(f.min, 3)} – ${n(f.max, 3)}`,
      i === 0 ? seeds : '',
      i === 0 ? `${n(r.seconds, 0)} s` : '',
      i === 0 ? (r.date ?? '').slice(0, 10) : '',
    ]);
  });
  const backends = entries
    .filter(([, r]) => r.otherBackend)
    .map(([name, r]) => {
      const same = r.runs.find((run) => run.seed === r.otherBackend.seed);
      const compared = Object.keys(r.otherBackend.figures).filter((k) => !/seconds/.test(k));
      return `\`${name}\`, seed ${r.otherBackend.seed}, wasm vs ${r.otherBackend.backend} backend: ${compared
        .map((k) => `${label(k)} ${n(same?.figures[k], 3)} vs ${n(r.otherBackend.figures[k], 3)}`)
        .join('; ')} (${n(r.otherBackend.seconds, 0)} s on ${r.otherBackend.backend}${
        r.otherBackend.resumedAtEpoch
          ? ` from epoch ${r.otherBackend.resumedAtEpoch} on, where it resumed from its checkpoint`
          : ''
      }, ${r.otherBackend.date.slice(0, 10)}).`;
    });
  const reference = files.map((f) => f.reference).find(Boolean);
  const refLine = reference
    ? `\n\nPneumoniaMNIST test split, published (${reference.source}): ${Object.entries(reference)
        .filter(([k]) => k !== 'source')
        .map(([k, [auc, acc]]) => `${k} AUC ${auc} / ACC ${acc}`)
        .join('; ')}. Goal for notebook 02: AUC ≥ 0.975 and accuracy ≥ 0.90.`
    : '';
  const table_ = table(
    ['Notebook, full mode (issues 6, 19)', 'figure', 'mean ± sd', 'min – max', 'seeds', 'run time (mean)', 'date'],
    rows,
  );
  return `${table_}${backends.length > 0 ? `\n\n${backends.join('\n')}` : ''}${refLine}`;
}

/** How notebook 03's training recipe was chosen on its validation cases (bench/designs/nodule-segmentation.ts). */
function segmentationDesigns(d) {
  const rows = Object.entries(d.designs).map(([name, r]) => [
    name === d.leader ? `**${name}** (best by the criterion)` : name,
    r.changes,
    `${n(r.val_dice.mean, 4)} ± ${n(r.val_dice.sd, 4)}`,
    n(r.criterion, 4),
    r.runs.map((run) => run.seed).join(', '),
  ]);
  return `${table(['Notebook 03 recipe, chosen on val (issue 19)', 'changes', 'val Dice mean ± sd', 'mean − sd', 'seeds'], rows)}\n\nCriterion: ${d.criterion}.${d.cohort ? ` ${d.cohort.count} phantom patients (train / val / test ${d.cohort.split.train} / ${d.cohort.split.val} / ${d.cohort.split.test}), ${d.epochs} epochs.` : ''}`;
}

/** How notebook 02's design was chosen on val (bench/torch/pneumonia_designs.py): the best few and the old recipe. */
function designs(d) {
  const shown = d.designs.filter((r, i) => i < 5 || r.design === 'base');
  const changes = (r) =>
    Object.entries(r.changes)
      .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('/') : v}`)
      .join(', ') || 'the earlier recipe';
  return (
    `${table(
      ['Notebook 02 design, chosen on val (issue 6)', 'changes', 'val log-loss', 'val AUC'],
      shown.map((r) => [
        r.design === d.chosen ? `**${r.design}** (chosen)` : r.design,
        changes(r),
        n(r.val_log_loss, 4),
        n(r.val_auc, 4),
      ]),
    )}\n\n` + `Criterion: ${d.criterion}; ${d.designs.length} designs × ${d.seeds.length} starts, all in the JSON.`
  );
}

const sections = [
  ['kernel', kernel],
  ['medical', medical],
  ['cnn', cnn],
  ['cnn-profile', cnnProfile],
  ['renderers', renderers],
  ['soak', soak],
  ['jupyter', jupyter],
  ['language', language],
  ['pneumonia-designs', designs],
  ['segmentation-designs', segmentationDesigns],
]
  .map(([name, render]) => {
    const data = load(name);
    return data
      ? `${render(data)}\n\n<sub>bench/results/${name}.json, ${data.date ?? 'date not recorded'}</sub>`
      : undefined;
  })
  .filter(Boolean);
const notebookFiles = ['notebooks-story', 'notebooks-clinical'].map(load).filter(Boolean);
const notebookSection = notebooks(notebookFiles);
if (notebookSection)
  sections.push(
    `${notebookSection}\n\n<sub>bench/results/notebooks-*.json (every run with its seed and date inside; sd is the sample standard deviation over the seeds)</sub>`,
  );

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(BEGIN);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${BEGIN} … ${END} section`);
  process.exit(1);
}
writeFileSync('README.md', `${readme.slice(0, start + BEGIN.length)}\n${sections.join('\n\n')}\n${readme.slice(end)}`);
console.log(`README benchmark table updated from ${sections.length} result files`);
