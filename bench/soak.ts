// `npm run bench soak`: 200 consecutive training-and-display executions in one kernel; reports growth of
// tensors, heap and open handles between run 20 (warm) and run 200 → bench/results/soak.json.
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { soak } from './support/soakRun';
import { stats } from './support/stats';

const RUNS = Number(process.env.SOAK_RUNS ?? 200);
const DICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';

async function main(): Promise<void> {
  const samples = await soak(RUNS, existsSync(DICOM) ? DICOM : undefined, (s) => {
    if (s.run % 20 === 0)
      console.log(
        `run ${s.run}: ${s.tensors} tensors, heap ${s.heapMb.toFixed(1)} MiB, ${s.handles} handles, ${s.ms.toFixed(0)} ms`,
      );
  });
  const warm = samples[Math.min(19, samples.length - 1)];
  const last = samples[samples.length - 1];
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    runs: RUNS,
    warmRun: warm.run,
    growth: {
      tensors: last.tensors - warm.tensors,
      heapMb: +(last.heapMb - warm.heapMb).toFixed(2),
      handles: last.handles - warm.handles,
    },
    bounds: { tensors: 0, heapMb: 20, handles: 2 },
    medianRunMs: +stats(samples.map((s) => s.ms)).median.toFixed(1),
    samples: samples.filter((s) => s.run % 10 === 0),
  };
  writeFileSync('bench/results/soak.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.growth));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
