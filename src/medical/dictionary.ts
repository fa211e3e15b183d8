// Attribute keywords and VRs from dcmjs's DICOM data dictionary (dcmjs declares Node ≥ 22.13, but its
// CommonJS build runs on Node 20 — the writer's round-trip tests and ours use it). Loaded on first use.

export interface DictionaryEntry {
  /** "PatientName" */
  keyword: string;
  vr: string;
}

interface DcmjsDictionary {
  data: { DicomMetaDictionary: { dictionary: Record<string, { vr: string; name: string } | undefined> } };
}

let dictionary: DcmjsDictionary['data']['DicomMetaDictionary']['dictionary'] | undefined;

/** `tag` as "GGGGEEEE" (any case); undefined for private and unknown attributes. */
export function lookupTag(tag: string): DictionaryEntry | undefined {
  dictionary ??= (require('dcmjs') as DcmjsDictionary).data.DicomMetaDictionary.dictionary;
  const hex = tag.toUpperCase();
  const entry = dictionary[`(${hex.slice(0, 4)},${hex.slice(4)})`];
  return entry ? { keyword: entry.name, vr: entry.vr } : undefined;
}
