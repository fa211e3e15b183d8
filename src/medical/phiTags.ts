// Which attributes identify a patient: every attribute that DICOM PS3.15 Annex E's Basic Application
// Level Confidentiality Profile removes, empties or replaces (names, IDs, dates, institutions, UIDs,
// free text, private attributes). The table itself lives with the de-identifier (deidProfile.ts) so that
// flagging, redaction and de-identification can never disagree.
import { basicProfileAction, type DeidAction } from './deidProfile';

/** "x00100010", "00100010", "(0010,0010)" → "00100010". */
export function normalizeTag(tag: string): string {
  return tag.length === 8 ? tag.toUpperCase() : tag.replace(/^x|[(),]/gi, '').toUpperCase();
}

/** True when the Basic Profile acts on the attribute: its value may identify the patient. */
export function isPhiTag(tag: string): boolean {
  return basicProfileAction(normalizeTag(tag)) !== undefined;
}

/** What the Basic Profile does with the attribute (X remove, Z empty, D dummy, U new UID, K clean inside). */
export function phiAction(tag: string): DeidAction | undefined {
  return basicProfileAction(normalizeTag(tag));
}
