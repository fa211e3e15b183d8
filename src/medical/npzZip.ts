// The zip container of a NumPy .npz file: central directory (ZIP64 included, as NumPy writes for big
// arrays), stored or deflated members (inflated with node:zlib), CRC-32 checked.
import { crc32, inflateRawSync } from 'node:zlib';

export class NpzError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'NpzError';
  }
}

export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const U32_MAX = 0xffffffff;

/** The members listed in the central directory. */
export function listZip(bytes: Uint8Array, file: string): ZipMember[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view, file);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR) {
    const zip64 = Number(view.getBigUint64(locator + 8, true));
    if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== ZIP64_EOCD)
      throw new NpzError(file, 'corrupt ZIP64 end record');
    count = Number(view.getBigUint64(zip64 + 32, true));
    offset = Number(view.getBigUint64(zip64 + 48, true));
  }
  const members: ZipMember[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_HEADER) {
      throw new NpzError(file, `corrupt zip central directory (entry ${i})`);
    }
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const member: ZipMember = {
      name: Buffer.from(bytes.subarray(offset + 46, offset + 46 + nameLength)).toString('utf8'),
      method: view.getUint16(offset + 10, true),
      crc: view.getUint32(offset + 16, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
    };
    applyZip64Extra(view, offset + 46 + nameLength, extraLength, member);
    members.push(member);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** The uncompressed bytes of one member, CRC-checked. */
export function readZipMember(bytes: Uint8Array, member: ZipMember, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = member.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL_HEADER)
    throw new NpzError(file, `corrupt zip entry ${member.name}`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + member.compressedSize;
  if (end > bytes.length) throw new NpzError(file, `truncated: ${member.name} runs past the end of the file`);
  const stored = bytes.subarray(start, end);
  let data: Uint8Array;
  if (member.method === 0) data = stored;
  else if (member.method === 8) {
    try {
      data = inflateRawSync(stored);
    } catch (error) {
      throw new NpzError(file, `${member.name} does not inflate (${(error as Error).message})`);
    }
  } else
    throw new NpzError(
      file,
      `${member.name} uses zip compression method ${member.method}; only stored and deflate are supported`,
    );
  if (data.length !== member.size || crc32(data) !== member.crc)
    throw new NpzError(file, `${member.name} fails its CRC-32 check (corrupt file)`);
  return data;
}

function findEndOfCentralDirectory(view: DataView, file: string): number {
  // The record is 22 bytes plus a comment of up to 65535 bytes at the very end.
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let at = view.byteLength - 22; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  throw new NpzError(file, 'not a zip/.npz file (no end of central directory record)');
}

/** ZIP64 keeps the real sizes and offset in extra field 0x0001 when the 32-bit fields are saturated. */
function applyZip64Extra(view: DataView, start: number, length: number, member: ZipMember): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (member.size === U32_MAX) member.size = next();
      if (member.compressedSize === U32_MAX) member.compressedSize = next();
      if (member.localHeaderOffset === U32_MAX) member.localHeaderOffset = next();
    }
    at += 4 + size;
  }
}
