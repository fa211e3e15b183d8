// A small RFC 4180 CSV reader for label files: header row, quoted fields with commas, quotes and line
// breaks, CRLF or LF, a UTF-8 byte-order mark.

export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CsvError';
  }
}

export interface CsvTable {
  columns: string[];
  /** One object per data row, keyed by column name. */
  rows: Record<string, string>[];
}

export function parseCsv(text: string, file: string): CsvTable {
  const records = splitRecords(text.replace(/^\uFEFF/, ''), file).filter((r) => !(r.length === 1 && r[0] === ''));
  if (records.length === 0) throw new CsvError(file, 'empty CSV: a header row is needed');
  const columns = records[0].map((c) => c.trim());
  const rows = records.slice(1).map((record, i) => {
    if (record.length !== columns.length) {
      throw new CsvError(file, `row ${i + 2} has ${record.length} fields, the header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((c, j) => [c, record[j]]));
  });
  return { columns, rows };
}

function splitRecords(text: string, file: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new CsvError(file, 'a quoted field is not closed');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
