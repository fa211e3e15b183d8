// Transfer syntaxes radnb knows: how the data set is encoded and which decoder the pixel data need.

/** How the pixel data of a syntax are stored; 'native' means uncompressed. */
export type PixelEncoding =
  'native' | 'rle' | 'jpeg-baseline' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg-2000' | 'htj2k' | 'unsupported';

export interface TransferSyntax {
  uid: string;
  name: string;
  encoding: PixelEncoding;
  bigEndian: boolean;
}

/** The syntaxes radnb's own code names: the only place their UIDs are written. */
export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegExtended: '1.2.840.10008.1.2.4.51',
} as const;

const SYNTAXES: TransferSyntax[] = [
  { uid: TRANSFER_SYNTAX.implicitLittle, name: 'Implicit VR Little Endian', encoding: 'native', bigEndian: false },
  { uid: TRANSFER_SYNTAX.explicitLittle, name: 'Explicit VR Little Endian', encoding: 'native', bigEndian: false },
  {
    uid: TRANSFER_SYNTAX.deflatedExplicitLittle,
    name: 'Deflated Explicit VR Little Endian',
    encoding: 'native',
    bigEndian: false,
  },
  { uid: TRANSFER_SYNTAX.explicitBig, name: 'Explicit VR Big Endian', encoding: 'native', bigEndian: true },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'rle', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG Baseline (Process 1)', encoding: 'jpeg-baseline', bigEndian: false },
  {
    uid: TRANSFER_SYNTAX.jpegExtended,
    name: 'JPEG Extended (Process 2 & 4)',
    encoding: 'unsupported',
    bigEndian: false,
  },
  { uid: '1.2.840.10008.1.2.4.57', name: 'JPEG Lossless (Process 14)', encoding: 'jpeg-lossless', bigEndian: false },
  {
    uid: '1.2.840.10008.1.2.4.70',
    name: 'JPEG Lossless SV1 (Process 14, Selection Value 1)',
    encoding: 'jpeg-lossless',
    bigEndian: false,
  },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', encoding: 'jpeg-ls', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', encoding: 'jpeg-2000', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', encoding: 'jpeg-2000', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.201', name: 'HTJ2K Lossless', encoding: 'htj2k', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.202', name: 'HTJ2K Lossless RPCL', encoding: 'htj2k', bigEndian: false },
  { uid: '1.2.840.10008.1.2.4.203', name: 'HTJ2K', encoding: 'htj2k', bigEndian: false },
];

const BY_UID = new Map(SYNTAXES.map((s) => [s.uid, s]));

/** The syntax for a UID; unknown UIDs come back as 'unsupported' so that metadata still load. */
export function transferSyntax(uid: string): TransferSyntax {
  return BY_UID.get(uid) ?? { uid, name: `unknown transfer syntax ${uid}`, encoding: 'unsupported', bigEndian: false };
}
