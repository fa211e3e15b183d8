// A seeded synthetic chest CT: body with a fat layer, two lungs whose size follows the slice position,
// mediastinum, spine and ribs at realistic Hounsfield units, spherical nodules of varied size and density
// in some cases and none in others (the label), and Gaussian noise. Case k is the same for a given seed
// however many cases are asked for, so datasets grow without changing.
import { seededRandom } from '../common/random';

export const HU = {
  air: -1000,
  lung: -850,
  fat: -100,
  softTissue: 40,
  blood: 50,
  bone: 700,
  corticalBone: 1200,
} as const;

export interface PhantomOptions {
  /** Seed of the whole dataset (default 1). */
  seed?: number;
  /** Rows and columns of each slice (default 64). */
  size?: number;
  /** Slices per case (default 16). */
  slices?: number;
  /** Field of view in mm across a slice (default 360); pixel spacing is fov / size. */
  fovMm?: number;
  /** Distance between slices in mm (default 5). */
  sliceThicknessMm?: number;
  /** Standard deviation of the Gaussian noise in HU (default 20). */
  noiseHU?: number;
  /** Probability that a case has nodules (default 0.5). */
  nodulePrevalence?: number;
}

export interface PhantomNodule {
  /** Centre in voxels: slice, row, column. */
  center: [number, number, number];
  radiusMm: number;
  /** Density of the nodule: −300 (ground glass) … 100 (solid, enhancing). */
  hu: number;
}

export interface PhantomPatient {
  id: string;
  /** DICOM PN, "FAMILY^GIVEN": invented, for de-identification demos. */
  name: string;
  birthDate: string;
  sex: 'F' | 'M';
}

export interface PhantomCase {
  index: number;
  patient: PhantomPatient;
  rows: number;
  columns: number;
  slices: number;
  /** [row, column] spacing in mm. */
  pixelSpacingMm: [number, number];
  sliceThicknessMm: number;
  /** Hounsfield units, slice after slice, row-major. */
  hu: Int16Array;
  /** 1 inside a nodule, 0 elsewhere; same layout as hu. */
  mask: Uint8Array;
  nodules: PhantomNodule[];
  /** The case label: at least one nodule. */
  hasNodule: boolean;
}

type Defaults = Required<PhantomOptions>;

export function phantomDefaults(options: PhantomOptions = {}): Defaults {
  return {
    seed: 1,
    size: 64,
    slices: 16,
    fovMm: 360,
    sliceThicknessMm: 5,
    noiseHU: 20,
    nodulePrevalence: 0.5,
    ...options,
  };
}

/** The cases 0 … count−1 of the dataset `options` describes. */
export function generatePhantom(count: number, options: PhantomOptions = {}): PhantomCase[] {
  return Array.from({ length: count }, (_, index) => generatePhantomCase(index, options));
}

export function generatePhantomCase(index: number, options: PhantomOptions = {}): PhantomCase {
  const o = phantomDefaults(options);
  const random = seededRandom(hashSeed(o.seed, index));
  const spacing = o.fovMm / o.size;
  const anatomy = drawAnatomy(random);
  const nodules = random() < o.nodulePrevalence ? placeNodules(random, o, anatomy, spacing) : [];
  const hu = new Int16Array(o.slices * o.size * o.size);
  const mask = new Uint8Array(hu.length);
  for (let z = 0; z < o.slices; z++) {
    for (let r = 0; r < o.size; r++) {
      for (let c = 0; c < o.size; c++) {
        const i = (z * o.size + r) * o.size + c;
        // normalised coordinates: x, y in [−1, 1] across the field of view, t in [−1, 1] along the body axis
        const x = (2 * c + 1) / o.size - 1;
        const y = (2 * r + 1) / o.size - 1;
        const t = o.slices === 1 ? 0 : (2 * z) / (o.slices - 1) - 1;
        let value: number = tissueAt(anatomy, x, y, t);
        for (const n of nodules) {
          const d = Math.hypot(
            (z - n.center[0]) * o.sliceThicknessMm,
            (r - n.center[1]) * spacing,
            (c - n.center[2]) * spacing,
          );
          if (d <= n.radiusMm) {
            value = n.hu;
            mask[i] = 1;
          }
        }
        hu[i] = Math.max(-1024, Math.min(3071, Math.round(value + o.noiseHU * gaussian(random))));
      }
    }
  }
  return {
    index,
    patient: inventPatient(random, index),
    rows: o.size,
    columns: o.size,
    slices: o.slices,
    pixelSpacingMm: [spacing, spacing],
    sliceThicknessMm: o.sliceThicknessMm,
    hu,
    mask,
    nodules,
    hasNodule: nodules.length > 0,
  };
}

/** Whether slice z shows any nodule voxel: the slice-level label. */
export function sliceHasNodule(phantom: PhantomCase, z: number): boolean {
  const size = phantom.rows * phantom.columns;
  return phantom.mask.subarray(z * size, (z + 1) * size).some((v) => v === 1);
}

/** Per-case variation of the anatomy, in normalised coordinates. */
interface Anatomy {
  bodyA: number;
  bodyB: number;
  fat: number;
  lungA: number;
  lungB: number;
  lungX: number;
  lungY: number;
}

function drawAnatomy(random: () => number): Anatomy {
  return {
    bodyA: 0.8 + 0.1 * random(),
    bodyB: 0.55 + 0.1 * random(),
    fat: 0.05 + 0.04 * random(),
    lungA: 0.25 + 0.05 * random(),
    lungB: 0.36 + 0.06 * random(),
    lungX: 0.38 + 0.04 * random(),
    lungY: -0.05 + 0.06 * random(),
  };
}

/** The lungs narrow towards the apex and the base of the chest. */
function lungScale(t: number): number {
  return Math.sqrt(Math.max(0, 1 - 0.7 * t * t));
}

function inEllipse(x: number, y: number, cx: number, cy: number, a: number, b: number): boolean {
  return ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1;
}

function tissueAt(a: Anatomy, x: number, y: number, t: number): number {
  if (!inEllipse(x, y, 0, 0, a.bodyA, a.bodyB)) return HU.air;
  if (!inEllipse(x, y, 0, 0, a.bodyA - a.fat, a.bodyB - a.fat)) return HU.fat;
  if (inEllipse(x, y, 0, a.bodyB - a.fat - 0.14, 0.09, 0.09)) return HU.corticalBone; // vertebral body
  if (inEllipse(x, y, 0, a.bodyB - a.fat - 0.02, 0.04, 0.05)) return HU.bone; // spinous process
  const k = lungScale(t);
  for (const side of [-1, 1]) {
    if (inEllipse(x, y, side * a.lungX, a.lungY, a.lungA * k, a.lungB * k)) return HU.lung;
  }
  // ribs: small bone ellipses just inside the fat layer
  const angle = Math.atan2(y / a.bodyB, x / a.bodyA);
  const rim = Math.hypot(x / (a.bodyA - a.fat), y / (a.bodyB - a.fat));
  if (rim > 0.86 && rim < 0.95 && Math.cos(angle * 9) > 0.8 && Math.sin(angle) < 0.6) return HU.bone;
  if (inEllipse(x, y, 0.05, -0.05, 0.2, 0.22 * Math.max(0.3, k))) return HU.blood; // heart
  return HU.softTissue;
}

function placeNodules(random: () => number, o: Defaults, a: Anatomy, spacing: number): PhantomNodule[] {
  const count = 1 + Math.floor(random() * 3);
  const nodules: PhantomNodule[] = [];
  for (let tries = 0; nodules.length < count && tries < 100; tries++) {
    const z = Math.floor(o.slices * (0.2 + 0.6 * random()));
    const t = o.slices === 1 ? 0 : (2 * z) / (o.slices - 1) - 1;
    const k = lungScale(t);
    const side = random() < 0.5 ? -1 : 1;
    const angle = 2 * Math.PI * random();
    const reach = 0.6 * Math.sqrt(random());
    const x = side * a.lungX + reach * a.lungA * k * Math.cos(angle);
    const y = a.lungY + reach * a.lungB * k * Math.sin(angle);
    const radiusMm = Math.max(spacing, 3 + 12 * random() ** 1.5); // 6–30 mm diameter, at least a pixel wide
    const hu = Math.round(-300 + 400 * random());
    nodules.push({
      center: [z, Math.round(((y + 1) * o.size - 1) / 2), Math.round(((x + 1) * o.size - 1) / 2)],
      radiusMm,
      hu,
    });
  }
  return nodules;
}

const GIVEN = ['Ada', 'Bram', 'Chiara', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Luca'];
const FAMILY = ['Phantom', 'Synthetic', 'Voxel', 'Hounsfield', 'Radon', 'Fourier', 'Tomo', 'Slice'];

/** Invented identities so that PHI masking and de-identification have something to work on. */
function inventPatient(random: () => number, index: number): PhantomPatient {
  const year = 1940 + Math.floor(random() * 60);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return {
    id: `PH${String(100000 + index).slice(1)}${Math.floor(random() * 10)}`,
    name: `${FAMILY[Math.floor(random() * FAMILY.length)].toUpperCase()}^${GIVEN[Math.floor(random() * GIVEN.length)]}`,
    birthDate: `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`,
    sex: random() < 0.5 ? 'F' : 'M',
  };
}

function hashSeed(seed: number, index: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (const v of [index, seed >>> 16, 0x9e3779b9]) {
    h = Math.imul(h ^ v, 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
