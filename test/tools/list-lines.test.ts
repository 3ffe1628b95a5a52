import { expect, it } from 'vitest';
import { toBidSummary, toProjectSummary } from '../../src/domain/crm/row-views.js';
import { bidLine, listText, projectLine } from '../../src/tools/text-format.js';

const ASCII = /^[\x20-\x7e\n]*$/;

// One character outside Latin-1 makes V8 keep the text, and the JSON answer around it, two-byte
// (a third more bytes allocated per list call): lines of ASCII rows must stay ASCII.
it('renders project and bid list lines of ASCII rows in ASCII, every field still there', () => {
  const project = toProjectSummary({
    id: 'p-1',
    name: 'North Clinic 00001',
    status: 'active',
    client_company_id: 'c-1',
    client_company_name: 'Cedar Builders 7',
    location: 'Denver, CO',
    value_cents: 123_456_700,
    start_date: '2026-01-05',
    end_date: '2027-01-05',
  });
  const bid = toBidSummary(
    {
      id: 'b-1',
      number: 42,
      title: 'Bid 42 for clinic package',
      amount_cents: 9_900_000,
      status: 'negotiation',
      status_since: '2026-11-01T00:00:00.000Z',
      due_date: null,
      project_id: 'p-1',
      project_name: 'North Clinic 00001',
      company_id: 'c-1',
      company_name: 'Cedar Builders 7',
      contact_id: 'k-1',
      contact_first_name: 'Maya',
      contact_last_name: 'Ito',
      contact_email: 'maya@bench.example',
    },
    new Date('2026-12-01T00:00:00.000Z'),
  );
  const text = listText('items', [projectLine(project), bidLine(bid)], 'next');
  expect(text).toMatch(ASCII);
  expect(projectLine(project)).toBe(
    '- North Clinic 00001 [active] | client: Cedar Builders 7 | Denver, CO | $1,234,567 | 2026-01-05 to 2027-01-05 (id p-1)',
  );
  expect(bidLine(bid)).toBe(
    '- Bid #42 Bid 42 for clinic package [negotiation for 30 days] | $99,000 | project: North Clinic 00001 | company: Cedar Builders 7 | contact: Maya Ito <maya@bench.example>',
  );
});
