import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.js';
import { availableDialects, createTestStore } from '../support/stores.js';
import { cli, csv, json, scratch } from './cli-harness.js';

const dialects = await availableDialects();

describe.each(dialects)('import with bad rows on %s', (dialect) => {
  let store: Store & { url: string };
  let tenantId: string;
  const files = scratch();
  const importFile = (entity: string, name: string, content: string, ...extra: string[]) =>
    cli(store.url, ['import', entity, files.file(name, content), '--tenant', 'acme', ...extra]);
  const count = async (table: 'companies' | 'contacts' | 'projects' | 'bids') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .where('tenant_id', '=', tenantId)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    store = await createTestStore(dialect);
    tenantId = json(await cli(store.url, ['tenant', 'create', '--slug', 'acme', '--name', 'Acme', '--json']))
      .tenant.id;
    await cli(store.url, ['tenant', 'create', '--slug', 'other', '--name', 'Other']);
    const seeded = await importFile(
      'companies',
      'seed-companies.csv',
      csv(
        'name,kind',
        'Acme Construction,general_contractor',
        'Keystone Electric,subcontractor',
        'Ridgeline,client',
      ),
    );
    expect(seeded.code).toBe(0);
    expect(
      (
        await importFile(
          'contacts',
          'seed-contacts.csv',
          csv('first_name,last_name,email,company', 'Jane,Doe,jane@example.com,Acme Construction'),
        )
      ).code,
    ).toBe(0);
    expect(
      (await importFile('projects', 'seed-projects.csv', csv('name,status', 'Harbor Tower,active'))).code,
    ).toBe(0);
  });
  afterAll(async () => {
    files.dispose();
    await store.close();
  });

  it('imports nothing from a file with bad rows and reports each one with its line number', async () => {
    const run = await importFile(
      'companies',
      'bad.csv',
      csv(
        'name,kind,city,phone,website',
        'Good One,client,Denver,,',
        '"Two-line ""quoted""',
        'name",supplier,,,',
        ',client,,,',
        'Bad Kind,landlord,,,',
        '=HYPERLINK("http://evil.example"),client,,,',
        'Bad Phone,client,,call me,javascript:alert(1)',
        'Good Two,General Contractor,,,',
      ),
      '--json',
    );
    expect(run.code).toBe(1);
    const report = json(run);
    expect(report).toMatchObject({ ok: false, entity: 'companies', tenant: 'acme', rows: 7, imported: 0 });
    expect(report.errors).toEqual([
      { row: 3, column: 'name', message: 'must be a single line' },
      { row: 5, column: 'name', message: 'is required' },
      {
        row: 6,
        column: 'kind',
        message: expect.stringContaining('must be one of client, general_contractor'),
      },
      { row: 7, column: 'name', message: expect.stringContaining('spreadsheet formula') },
      { row: 8, column: 'phone', message: expect.stringContaining('is not a phone number') },
      { row: 8, column: 'website', message: expect.stringContaining('is not a web address') },
    ]);
    expect(await count('companies')).toBe(3);
  });

  it('prints "line N, column C: message" to stderr in text mode', async () => {
    const run = await importFile(
      'contacts',
      'bad-contacts.csv',
      csv('first_name,last_name,email', 'Al,Bo,not-an-email'),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Nothing imported: 1 error in');
    expect(run.stderr).toContain('  line 2, column email: is not an email address (e.g. jane@example.com)');
  });

  it('reports header problems against line 1 and imports nothing', async () => {
    const run = await importFile(
      'contacts',
      'no-email.csv',
      csv('first_name,last_name,mail', 'Al,Bo,al@x.example'),
      '--json',
    );
    expect(run.code).toBe(1);
    expect(json(run).errors).toEqual([
      { row: 1, column: 'mail', message: expect.stringContaining('unknown column') },
      { row: 1, column: 'email', message: 'required column is missing from the header' },
    ]);
  });

  it('finds duplicates inside the file, case-insensitively, pointing at the first occurrence', async () => {
    const companies = json(
      await importFile(
        'companies',
        'dup-companies.csv',
        csv('name,kind', 'Northwind,client', 'NORTHWIND ,supplier'),
        '--json',
      ),
    );
    expect(companies.errors).toEqual([{ row: 3, column: 'name', message: 'duplicates line 2 of this file' }]);
    const contacts = json(
      await importFile(
        'contacts',
        'dup-contacts.csv',
        csv('first_name,last_name,email', 'A,B,sam@x.example', 'C,D,other@x.example', 'E,F,Sam@X.example'),
        '--json',
      ),
    );
    expect(contacts.errors).toEqual([{ row: 4, column: 'email', message: 'duplicates line 2 of this file' }]);
    const bids = json(
      await importFile(
        'bids',
        'dup-bids.csv',
        csv('number,title,project,amount,status', '#7,A,Harbor Tower,1,draft', '7,B,Harbor Tower,2,draft'),
        '--json',
      ),
    );
    expect(bids.errors).toEqual([{ row: 3, column: 'number', message: 'duplicates line 2 of this file' }]);
    const projects = json(
      await importFile(
        'projects',
        'dup-projects.csv',
        csv('name,status', 'Depot,active', 'depot,bidding'),
        '--json',
      ),
    );
    expect(projects.errors).toEqual([{ row: 3, column: 'name', message: 'duplicates line 2 of this file' }]);
    expect([
      await count('companies'),
      await count('contacts'),
      await count('bids'),
      await count('projects'),
    ]).toEqual([3, 1, 0, 1]);
  });

  it('finds rows that already exist in the tenant, case-insensitively', async () => {
    const companies = json(
      await importFile(
        'companies',
        'db-companies.csv',
        csv('name,kind', 'acme construction,client'),
        '--json',
      ),
    );
    expect(companies.errors).toEqual([
      {
        row: 2,
        column: 'name',
        message: 'a company named "acme construction" already exists in this tenant',
      },
    ]);
    const contacts = json(
      await importFile(
        'contacts',
        'db-contacts.csv',
        csv('first_name,last_name,email', 'J,D,JANE@example.com'),
        '--json',
      ),
    );
    expect(contacts.errors[0]).toMatchObject({
      row: 2,
      column: 'email',
      message: expect.stringContaining('already exists'),
    });
  });

  it('matches accented names case-insensitively and across Unicode normalization forms', async () => {
    expect((await importFile('projects', 'ecole.csv', csv('name,status', 'École Normale,active'))).code).toBe(
      0,
    );
    const again = json(
      await importFile('projects', 'ecole-again.csv', csv('name,status', 'éCOLE NORMALE,active'), '--json'),
    );
    expect(again.errors).toEqual([
      { row: 2, column: 'name', message: 'a project named "éCOLE NORMALE" already exists in this tenant' },
    ]);
    const composed = 'Caf\u00e9 Builders';
    const decomposed = 'Cafe\u0301 Builders';
    const forms = json(
      await importFile(
        'companies',
        'forms.csv',
        csv('name,kind', `${composed},client`, `${decomposed},client`),
        '--json',
      ),
    );
    expect(forms.errors).toEqual([{ row: 3, column: 'name', message: 'duplicates line 2 of this file' }]);
  });

  it('matches names only inside the tenant: another tenant sees none of them', async () => {
    const run = await cli(store.url, [
      'import',
      'contacts',
      files.file(
        'other.csv',
        csv('first_name,last_name,email,company', 'Jane,Doe,jane@example.com,Acme Construction'),
      ),
      '--tenant',
      'other',
      '--json',
    ]);
    expect(json(run).errors).toEqual([
      {
        row: 2,
        column: 'company',
        message: 'no company named "Acme Construction" in this tenant; import companies first',
      },
    ]);
  });

  it('resolves bid references and reports each one that does not resolve', async () => {
    const run = await importFile(
      'bids',
      'refs.csv',
      csv(
        'number,title,project,company,contact_email,amount,status,status_since,due_date',
        '1,A,Nowhere,,,100,draft,,',
        '3,C,Harbor Tower,Keystone Electric,jane@example.com,100,draft,,',
        '4,D,Harbor Tower,,nobody@example.com,100,draft,2999-01-01,',
        '5,E,Harbor Tower,,,12.345,maybe,yesterday,2026-02-30',
      ),
      '--json',
    );
    expect(run.code).toBe(1);
    expect(json(run).errors).toEqual([
      {
        row: 2,
        column: 'project',
        message: 'no project named "Nowhere" in this tenant; import projects first',
      },
      {
        row: 3,
        column: 'contact_email',
        message: 'jane@example.com works at another company than "Keystone Electric"',
      },
      { row: 4, column: 'status_since', message: 'is in the future' },
      { row: 4, column: 'contact_email', message: 'no contact with email nobody@example.com in this tenant' },
      { row: 5, column: 'amount', message: expect.stringContaining('is not an amount in dollars') },
      { row: 5, column: 'status', message: 'must be one of draft, submitted, negotiation, won, lost' },
      { row: 5, column: 'status_since', message: expect.stringContaining('is not an ISO date') },
      { row: 5, column: 'due_date', message: 'is not a calendar date' },
    ]);
    expect(await count('bids')).toBe(0);
  });

  it('checks project dates and money', async () => {
    const run = await importFile(
      'projects',
      'dates.csv',
      csv(
        'name,status,value,start_date,end_date',
        'Backwards,active,"$1,000",2026-05-01,2026-04-01',
        'Huge,active,"1,00,000",,',
      ),
      '--json',
    );
    expect(json(run).errors).toEqual([
      { row: 2, column: 'end_date', message: 'is before start_date 2026-05-01' },
      { row: 3, column: 'value', message: expect.stringContaining('is not an amount') },
    ]);
  });

  it('refuses an unknown tenant, a missing file, invalid UTF-8 and an oversized file with exit 1', async () => {
    const tenant = await cli(store.url, [
      'import',
      'companies',
      files.file('ok.csv', csv('name,kind', 'X,client')),
      '--tenant',
      'nope',
      '--json',
    ]);
    expect(tenant.code).toBe(1);
    expect(JSON.parse(tenant.stderr)).toMatchObject({
      code: 'invalid_input',
      error: 'Tenant "nope" does not exist.',
    });
    const missing = await cli(store.url, [
      'import',
      'companies',
      `${files.dir}/absent.csv`,
      '--tenant',
      'acme',
    ]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('ENOENT') });
    const latin1 = await importFile('companies', 'latin1.csv', '');
    expect(latin1.code).toBe(1);
    const binary = await cli(store.url, [
      'import',
      'companies',
      files.file(
        'latin1.csv',
        Uint8Array.from([...Buffer.from('name,kind\nCaf'), 0xe9, ...Buffer.from(',client\n')]),
      ),
      '--tenant',
      'acme',
    ]);
    expect(binary).toMatchObject({ code: 1, stderr: expect.stringContaining('not valid UTF-8') });
    const big = await cli(store.url, [
      'import',
      'companies',
      files.file('big.csv', `name,kind\n${'x'.repeat(21 * 1024 * 1024)}\n`),
      '--tenant',
      'acme',
    ]);
    expect(big).toMatchObject({ code: 1, stderr: expect.stringContaining('imports are limited to 20 MB') });
    expect(await count('companies')).toBe(3);
  });
});
