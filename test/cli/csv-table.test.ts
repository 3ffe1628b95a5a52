import { describe, expect, it } from 'vitest';
import {
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  parseCsvTable,
  type ColumnSpec,
} from '../../src/domain/import/csv-table.js';
import { DomainError } from '../../src/domain/errors.js';

const columns: ColumnSpec[] = [
  { name: 'name', required: true, description: '' },
  { name: 'city', required: false, description: '' },
];
const bytes = (text: string) => new TextEncoder().encode(text);
const table = (text: string) => parseCsvTable(bytes(text), columns);

describe('parseCsvTable', () => {
  it('strips a UTF-8 BOM and accepts CRLF line ends', () => {
    const result = table('\uFEFFname,city\r\nAcme,Denver\r\nBeta,Boulder\r\n');
    expect(result.errors).toEqual([]);
    expect(result.records).toEqual([
      { line: 2, values: { name: 'Acme', city: 'Denver' } },
      { line: 3, values: { name: 'Beta', city: 'Boulder' } },
    ]);
  });

  it('numbers records by the line they start on, across quoted line breaks and blank lines', () => {
    const result = table('name,city\n"Two\r\nline",x\n\n,\nThird,"a ""quoted"" city"\n');
    expect(result.records.map((r) => [r.line, r.values.name, r.values.city])).toEqual([
      [2, 'Two\r\nline', 'x'],
      [6, 'Third', 'a "quoted" city'],
    ]);
  });

  it('matches header names loosely and fills absent optional columns with empty strings', () => {
    const result = table('  NAME \nAcme\n');
    expect(result.records).toEqual([{ line: 2, values: { name: 'Acme', city: '' } }]);
  });

  it('reports unknown, repeated and missing required header columns against line 1', () => {
    expect(table('city,colour,city\nx,y,z\n').errors).toEqual([
      { row: 1, column: 'colour', message: 'unknown column; the columns are name, city' },
      { row: 1, column: 'city', message: 'column appears twice' },
      { row: 1, column: 'name', message: 'required column is missing from the header' },
    ]);
  });

  it('reports a record with the wrong number of fields and keeps reading the others', () => {
    const result = table('name,city\nAcme, Inc,Denver\nBeta,Boulder\n');
    expect(result.errors).toEqual([
      { row: 2, column: null, message: expect.stringContaining('has 3 fields but the header has 2') },
    ]);
    expect(result.records.map((r) => r.values.name)).toEqual(['Beta']);
  });

  it('reports an unclosed quote at the line where the broken record starts', () => {
    const result = table('name,city\nAcme,Denver\n"Beta,Boulder\nGamma,Golden\n');
    expect(result.errors).toEqual([
      { row: 3, column: null, message: expect.stringContaining('never closed') },
    ]);
  });

  it('stops at a runaway quoted cell longer than the record limit and says where it starts', () => {
    const result = table(`name,city\nAcme,Denver\n"${'x'.repeat(70_000)}\n`);
    expect(result.errors).toEqual([
      { row: 3, column: null, message: expect.stringContaining('longer than 65536') },
    ]);
  });

  it('refuses a file over the size cap without parsing it', () => {
    expect(() => parseCsvTable(new Uint8Array(MAX_IMPORT_BYTES + 1), columns)).toThrow(/limited to 20 MB/);
  });

  it('refuses more rows than the row cap', () => {
    const text = `name\n${'x\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    expect(() => table(text)).toThrow(new RegExp(`more than ${MAX_IMPORT_ROWS} rows`));
  });

  it('refuses text that is not UTF-8 and an empty file, as DomainErrors', () => {
    expect(() => parseCsvTable(Uint8Array.from([0x6e, 0x61, 0xff, 0x0a]), columns)).toThrow(DomainError);
    expect(() => table('')).toThrow(/empty/);
  });
});
