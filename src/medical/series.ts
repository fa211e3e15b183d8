// Series: files grouped by Series Instance UID and sorted along the slice normal (Image Position ·
// (row × column direction)), falling back to Instance Number, with the spacing, orientation and gaps a
// user should know about before building a volume.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ViewerImage } from '../common/viewer';
import { DicomError } from './errors';
import { readDicom, type DicomImage, type ReadOptions } from './image';
import { dot, sliceNormal, type Vec3 } from './orientation';
import { DicomVolume } from './volume';

export interface SliceGap {
  /** Index (in sorted order) of the slice before the gap. */
  after: number;
  /** Distance in mm between that slice and the next one. */
  distance: number;
}

export interface SeriesGeometry {
  /** How slices were ordered: by position along the normal, by Instance Number, or as given. */
  sortedBy: 'position' | 'instance-number' | 'input-order';
  /** Row and column direction cosines shared by all slices (undefined when they disagree or are absent). */
  orientation?: [number, number, number, number, number, number];
  normal?: Vec3;
  /** Position of each slice along the normal (mm), in sorted order. */
  positions?: number[];
  /** Typical distance between neighbouring slices (median, mm). */
  sliceSpacing?: number;
  /** Places where neighbours are much further apart than the typical spacing (missing slices). */
  gaps: SliceGap[];
  /** Slices at the same position (duplicates), as indices in sorted order. */
  duplicates: number[];
}

export class DicomSeries {
  constructor(
    readonly seriesInstanceUid: string,
    /** Images in slice order. */
    readonly images: DicomImage[],
    readonly geometry: SeriesGeometry,
  ) {}

  get description(): string | undefined {
    return this.images[0]?.metadata.seriesDescription;
  }

  /** A 3-D volume of real values (HU for CT); throws a DicomError when slices differ in size. */
  toVolume(): DicomVolume {
    return DicomVolume.fromSeries(this);
  }

  toViewerImage(): ViewerImage {
    return this.toVolume().toViewerImage('axial');
  }
}

/** Groups images by Series Instance UID (files without one form a series each) and sorts every series. */
export function groupSeries(images: DicomImage[]): DicomSeries[] {
  const groups = new Map<string, DicomImage[]>();
  for (const image of images) {
    const uid = image.metadata.seriesInstanceUid ?? `no-series-uid:${image.file}`;
    const group = groups.get(uid);
    if (group) group.push(image);
    else groups.set(uid, [image]);
  }
  return [...groups].map(([uid, group]) => sortSeries(uid, group));
}

/** Largest ratio between a neighbour distance and the typical spacing before it counts as a gap. */
const GAP_FACTOR = 1.5;
/** Positions closer than this (mm) are the same slice. */
const SAME_POSITION_MM = 1e-3;

function sortSeries(uid: string, images: DicomImage[]): DicomSeries {
  const orientation = sharedOrientation(images);
  const positioned = orientation !== undefined && images.every((i) => i.metadata.imagePositionPatient);
  if (positioned) {
    const normal = sliceNormal(orientation);
    const keyed = images.map((image) => ({
      image,
      position: dot(image.metadata.imagePositionPatient as Vec3, normal),
    }));
    keyed.sort((a, b) => a.position - b.position);
    const positions = keyed.map((k) => k.position);
    return new DicomSeries(
      uid,
      keyed.map((k) => k.image),
      { sortedBy: 'position', orientation, normal, positions, ...spacingOf(positions) },
    );
  }
  if (images.every((i) => i.metadata.instanceNumber !== undefined)) {
    const sorted = [...images].sort(
      (a, b) => (a.metadata.instanceNumber as number) - (b.metadata.instanceNumber as number),
    );
    return new DicomSeries(uid, sorted, { sortedBy: 'instance-number', orientation, gaps: [], duplicates: [] });
  }
  return new DicomSeries(uid, images, { sortedBy: 'input-order', orientation, gaps: [], duplicates: [] });
}

function sharedOrientation(images: DicomImage[]): SeriesGeometry['orientation'] {
  const first = images[0]?.metadata.imageOrientationPatient;
  if (!first) return undefined;
  const same = images.every((i) => i.metadata.imageOrientationPatient?.every((v, k) => Math.abs(v - first[k]) < 1e-4));
  return same ? first : undefined;
}

function spacingOf(positions: number[]): Pick<SeriesGeometry, 'sliceSpacing' | 'gaps' | 'duplicates'> {
  const steps = positions.slice(1).map((p, i) => p - positions[i]);
  const duplicates = steps.flatMap((s, i) => (s < SAME_POSITION_MM ? [i + 1] : []));
  const distinct = steps.filter((s) => s >= SAME_POSITION_MM).sort((a, b) => a - b);
  if (distinct.length === 0) return { gaps: [], duplicates };
  const sliceSpacing = distinct[Math.floor(distinct.length / 2)];
  const gaps = steps.flatMap((distance, after) => (distance > sliceSpacing * GAP_FACTOR ? [{ after, distance }] : []));
  return { sliceSpacing, gaps, duplicates };
}

export interface FolderReadResult {
  series: DicomSeries[];
  /** Files that could not be read, with the reason; the rest were read. */
  failed: { file: string; reason: string }[];
}

/** Reads every file under a folder (recursively) and groups the DICOM images into series. */
export async function readSeriesFolder(folder: string, options: ReadOptions = {}): Promise<FolderReadResult> {
  let names: string[];
  try {
    names = (await readdir(folder, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath ?? e.path, e.name));
  } catch (error) {
    throw new DicomError(
      folder,
      `cannot list the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const images: DicomImage[] = [];
  const failed: FolderReadResult['failed'] = [];
  for (const file of names.sort()) {
    try {
      images.push(await readDicom(file, options));
    } catch (error) {
      if (!(error instanceof DicomError)) throw error;
      failed.push({ file, reason: error.reason });
    }
  }
  return { series: groupSeries(images), failed };
}
