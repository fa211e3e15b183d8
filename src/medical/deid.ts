// De-identification by DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile: every
// attribute of the profile's table is removed, emptied or replaced (also inside sequences), private
// attributes are removed, UIDs are replaced consistently (one Deidentifier keeps one mapping, so a study
// stays a study across files), and the result says so (PatientIdentityRemoved, DeidentificationMethod,
// code 113100). Attributes the DICOM dictionary does not know are removed too: nobody can say they are
// safe. A file whose structure the two parsers read differently is refused, and an output that still
// holds the patient's name or IDs is never returned (deidVerify). Pixel data are not touched: burned-in
// text stays, and the report warns about it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSet } from 'dicom-parser';
import { listFilesRecursive } from './datasets/files';
import { basicProfileAction, type DeidAction } from './deidProfile';
import { Pseudonyms } from './deidPseudonyms';
import { identifyingText, leftoverText, parserDisagreement } from './deidVerify';
import { DicomError } from './errors';
import { parseDicom } from './parse';
import { attributeName, readDicomFile, writeDicomFile, type DicomElement, type ElementTree } from './writer';

export interface DeidOptions {
  /** Keys UID and patient pseudonyms: runs with the same secret map the same inputs to the same outputs.
   *  Default: a random secret per Deidentifier (unlinkable runs). */
  secret?: string | Uint8Array;
  /** Recorded in DeidentificationMethod (0012,0063). */
  methodDescription?: string;
}

export type DeidChangeKind = 'removed' | 'emptied' | 'replaced' | 'uid-replaced' | 'added';

export interface DeidChange {
  /** Where the attribute was, e.g. "ReferencedImageSequence[0].ReferencedSOPInstanceUID". */
  path: string;
  /** "GGGGEEEE" */
  tag: string;
  change: DeidChangeKind;
}

export interface DeidFileReport {
  file: string;
  changes: DeidChange[];
  /** Risks de-identification did not remove (burned-in text in the pixels). */
  warnings: string[];
}

export interface DeidResult {
  bytes: Uint8Array;
  report: DeidFileReport;
}

export interface DeidDirectoryReport {
  files: DeidFileReport[];
  /** Files that were not written, with the reason (not DICOM, truncated, …). */
  failed: { file: string; reason: string }[];
}

export class DeidError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DeidError';
  }
}

const METHOD = 'radnb: DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile';
const PATIENT_ID = '00100020';
const PATIENT_NAME = '00100010';
const SOP_INSTANCE_UID = '00080018';
const MEDIA_STORAGE_SOP_INSTANCE_UID = '00020003';
const BURNED_IN_ANNOTATION = '00280301';
const PIXEL_DATA = '7FE00010';

/** Dummy values for action D, chosen to be valid for the VR. */
const DUMMY_BY_VR: Record<string, unknown[]> = {
  PN: [{ Alphabetic: 'ANONYMIZED' }],
  DA: ['19000101'],
  TM: ['000000'],
  DT: ['19000101000000'],
  AS: ['000Y'],
  IS: ['0'],
  DS: ['0'],
  US: [0],
  SS: [0],
  UL: [0],
  SL: [0],
  FL: [0],
  FD: [0],
};

/** De-identifies files one after another with one consistent UID and patient mapping. */
export class Deidentifier {
  private readonly pseudonyms: Pseudonyms;
  private readonly method: string;

  constructor(options: DeidOptions = {}) {
    this.pseudonyms = new Pseudonyms(options.secret);
    this.method = options.methodDescription ?? METHOD;
  }

  /** De-identifies one Part 10 file; `file` names it in the report and in errors. */
  deidentify(bytes: Uint8Array, file = '<memory>'): DeidResult {
    const reference = assertComplete(bytes, file);
    const dicom = readDicomFile(bytes, file);
    const disagreement = parserDisagreement(dicom.dict, reference);
    if (disagreement) {
      throw new DeidError(
        file,
        `damaged or ambiguous structure: the two DICOM parsers disagree about attribute ${disagreement}; not de-identified`,
      );
    }
    const identifying = identifyingText(dicom.dict);
    const changes: DeidChange[] = [];
    const warnings = burnedInTextWarnings(dicom.dict, file);
    const patient = patientKey(dicom.dict);
    this.applyProfile(dicom.dict, '', changes);
    if (patient) this.setPatientPseudonym(dicom.dict, patient, changes);
    this.markDeidentified(dicom.dict, changes);
    const sop = dicom.dict[SOP_INSTANCE_UID]?.Value?.[0];
    if (dicom.meta[MEDIA_STORAGE_SOP_INSTANCE_UID] && typeof sop === 'string') {
      dicom.meta[MEDIA_STORAGE_SOP_INSTANCE_UID] = { vr: 'UI', Value: [sop] };
      changes.push({ path: 'MediaStorageSOPInstanceUID', tag: MEDIA_STORAGE_SOP_INSTANCE_UID, change: 'uid-replaced' });
    }
    const output = writeDicomFile(dicom, file);
    const leftover = leftoverText(output, identifying, file);
    if (leftover !== undefined)
      throw new DeidError(file, `identifying text "${leftover}" is still in the output; not de-identified`);
    return { bytes: output, report: { file, changes, warnings } };
  }

  /** Original UID → replacement for every UID seen so far (a re-identification key: keep it private). */
  uidMapping(): ReadonlyMap<string, string> {
    return this.pseudonyms.uidMapping();
  }

  private applyProfile(tree: ElementTree, prefix: string, changes: DeidChange[]): void {
    for (const tag of Object.keys(tree)) {
      const element = tree[tag];
      const name = attributeName(tag);
      // An attribute the dictionary does not know cannot be judged safe (it may also be a damaged tag).
      const action: DeidAction | undefined = basicProfileAction(tag.toUpperCase()) ?? (name === tag ? 'X' : undefined);
      const where = `${prefix}${name}`;
      if (action === undefined || action === 'K') {
        if (element.vr === 'SQ') this.applyToItems(element, where, changes);
        continue;
      }
      const change = this.applyAction(tree, tag, action);
      if (change) changes.push({ path: where, tag, change });
    }
  }

  private applyToItems(sequence: DicomElement, where: string, changes: DeidChange[]): void {
    (sequence.Value ?? []).forEach((item, index) =>
      this.applyProfile(item as ElementTree, `${where}[${index}].`, changes),
    );
  }

  /** Applies one action; returns what changed, or undefined when there was nothing to change. */
  private applyAction(tree: ElementTree, tag: string, action: Exclude<DeidAction, 'K'>): DeidChangeKind | undefined {
    const element = tree[tag];
    switch (action) {
      case 'X':
        delete tree[tag];
        return 'removed';
      case 'Z':
        if (!element.Value?.length && element.InlineBinary === undefined) return undefined;
        tree[tag] = { vr: element.vr, Value: [] };
        return 'emptied';
      case 'D':
        if (element.vr === 'UI') return this.applyAction(tree, tag, 'U');
        tree[tag] = { vr: element.vr, Value: dummyValue(element.vr) };
        return 'replaced';
      case 'U':
        if (!element.Value?.length) return undefined;
        tree[tag] = { vr: element.vr, Value: element.Value.map((uid) => this.pseudonyms.uid(String(uid))) };
        return 'uid-replaced';
    }
  }

  /** The profile empties PatientID and PatientName; a keyed pseudonym in both keeps the files of one
   *  patient together (train/validation/test splits by patient) without identifying anyone. */
  private setPatientPseudonym(tree: ElementTree, patient: string, changes: DeidChange[]): void {
    const pseudonym = this.pseudonyms.patient(patient);
    tree[PATIENT_ID] = { vr: 'LO', Value: [pseudonym] };
    tree[PATIENT_NAME] = { vr: 'PN', Value: [{ Alphabetic: pseudonym }] };
    for (const tag of [PATIENT_ID, PATIENT_NAME]) {
      const index = changes.findIndex((c) => c.tag === tag && c.path === attributeName(tag));
      const change: DeidChange = { path: attributeName(tag), tag, change: 'replaced' };
      if (index >= 0) changes[index] = change;
      else changes.push(change);
    }
  }

  private markDeidentified(tree: ElementTree, changes: DeidChange[]): void {
    tree['00120062'] = { vr: 'CS', Value: ['YES'] };
    tree['00120063'] = { vr: 'LO', Value: [this.method] };
    tree['00120064'] = {
      vr: 'SQ',
      Value: [
        {
          '00080100': { vr: 'SH', Value: ['113100'] },
          '00080102': { vr: 'SH', Value: ['DCM'] },
          '00080104': { vr: 'LO', Value: ['Basic Application Confidentiality Profile'] },
        },
      ],
    };
    // Dates are emptied or removed by the profile: say so to whoever compares time points later.
    tree['00280303'] = { vr: 'CS', Value: ['REMOVED'] };
    for (const tag of ['00120062', '00120063', '00120064', '00280303'])
      changes.push({ path: attributeName(tag), tag, change: 'added' });
  }
}

/** De-identifies one file with a fresh mapping (use a Deidentifier to keep UIDs consistent across files). */
export function deidentify(bytes: Uint8Array, options: DeidOptions & { file?: string } = {}): DeidResult {
  return new Deidentifier(options).deidentify(bytes, options.file);
}

/** De-identifies every file under inDir into the same relative paths under outDir, with one mapping
 *  for the whole folder. Files that are not complete DICOM files are reported and skipped. */
export async function deidentifyDirectory(
  inDir: string,
  outDir: string,
  options: DeidOptions = {},
): Promise<DeidDirectoryReport> {
  const deidentifier = new Deidentifier(options);
  const report: DeidDirectoryReport = { files: [], failed: [] };
  for (const relative of await listFilesRecursive(inDir)) {
    const input = path.join(inDir, relative);
    try {
      const result = deidentifier.deidentify(await readFile(input), relative);
      const output = path.join(outDir, relative);
      await mkdir(path.dirname(output), { recursive: true });
      await writeFile(output, result.bytes);
      report.files.push(result.report);
    } catch (error) {
      report.failed.push({
        file: relative,
        reason: error instanceof DeidError ? error.reason : (error as Error).message,
      });
    }
  }
  return report;
}

/** dcmjs reads what it can of a truncated file; de-identifying it would write a silently shorter file.
 *  radnb's parser checks every element against the file size first; its data set is the reference the
 *  edited tree is compared with. */
function assertComplete(bytes: Uint8Array, file: string): DataSet {
  const magic = bytes.length >= 132 ? String.fromCharCode(...bytes.subarray(128, 132)) : '';
  if (magic !== 'DICM') throw new DeidError(file, "not a DICOM Part 10 file (no 'DICM' marker at byte 128)");
  try {
    return parseDicom(bytes, file).dataSet;
  } catch (error) {
    throw new DeidError(file, error instanceof DicomError ? error.reason : (error as Error).message);
  }
}

function burnedInTextWarnings(tree: ElementTree, file: string): string[] {
  if (!tree[PIXEL_DATA]) return [];
  const declared = String(tree[BURNED_IN_ANNOTATION]?.Value?.[0] ?? '')
    .trim()
    .toUpperCase();
  if (declared === 'NO') return [];
  const why =
    declared === 'YES' ? 'declares burned-in annotation' : 'does not declare whether it has burned-in annotation';
  return [`${file} ${why}: text drawn into the pixels is NOT removed by de-identification — check the images`];
}

function patientKey(tree: ElementTree): string | undefined {
  const id = tree[PATIENT_ID]?.Value?.[0];
  const name = tree[PATIENT_NAME]?.Value?.[0] as { Alphabetic?: string } | string | undefined;
  const key = (typeof id === 'string' && id.trim()) || (typeof name === 'string' ? name : name?.Alphabetic)?.trim();
  return key || undefined;
}

function dummyValue(vr: string): unknown[] {
  if (vr === 'SQ') return [{}]; // one empty item: present and non-empty, identifying content gone
  if (vr === 'OB' || vr === 'OW' || vr === 'UN') return [new ArrayBuffer(2)];
  return DUMMY_BY_VR[vr] ?? ['ANONYMIZED'];
}
