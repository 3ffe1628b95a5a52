import { callTool, connect, type ToolResult } from './bridge.js';
import { day, fallback, h, label, textOf, usd } from './dom.js';

/**
 * bids.get: one bid with its history, notes and contact, and the two changes a person makes from
 * here (a note, a status) — sent through the host as bids.add_note / bids.update_status, which show
 * the exact change and make it only after the person confirms (the host may ask first as well).
 */
interface Bid {
  id: string;
  label: string;
  title: string;
  status: string;
  amount_usd: number;
  days_in_status: number;
  due_date: string | null;
  project?: { name: string };
  company?: { name: string } | null;
  contact?: { name: string; email: string } | null;
  history: { from: string | null; to: string; at: string; reason: string | null }[];
  notes: { author: string | null; body: string; at: string }[];
}
interface Change {
  outcome: string;
  change: { summary: string };
  change_id: string | null;
}

const root = h('main');
document.body.append(root);
const STATUSES = ['draft', 'submitted', 'negotiation', 'won', 'lost'];

/** One intended change: its key is kept for the confirming call, as the tool asks. */
async function change(tool: string, args: Record<string, unknown>, status: HTMLElement) {
  const key = `view-${tool}-${crypto.randomUUID()}`;
  const show = (result: ToolResult) => {
    const out = result.structuredContent as Change | undefined;
    if (result.isError === true || out === undefined) {
      status.replaceChildren(h('p', { class: 'banner bad' }, textOf(result)));
      return;
    }
    if (out.outcome !== 'confirmation_required' || out.change_id === null) {
      status.replaceChildren(
        h(
          'p',
          { class: 'banner' },
          `${out.outcome === 'applied' ? 'Done' : 'Not changed'}: ${out.change.summary}`,
        ),
      );
      return;
    }
    const confirm = h('button', { type: 'button' }, 'Confirm this change');
    confirm.addEventListener('click', () => {
      void callTool(tool, { ...args, idempotency_key: key, change_id: out.change_id }).then(show);
    });
    status.replaceChildren(h('p', { class: 'banner warn' }, out.change.summary), confirm);
  };
  show(await callTool(tool, { ...args, idempotency_key: key }));
}

function render(bid: Bid) {
  const status = h('div', { role: 'status', 'aria-live': 'polite' });
  const note = h('textarea', { id: 'note', rows: '2', maxlength: '2000' }) as HTMLTextAreaElement;
  const noteForm = h(
    'form',
    { 'aria-label': 'Add a note' },
    h('label', { for: 'note' }, 'Add a note', note),
    h('button', { type: 'submit' }, 'Add note'),
  );
  noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (note.value.trim() !== '')
      void change('bids.add_note', { bid: bid.id, body: note.value.trim() }, status);
  });
  const to = h(
    'select',
    { id: 'to' },
    ...STATUSES.filter((s) => s !== bid.status).map((s) => h('option', { value: s }, label(s))),
  ) as HTMLSelectElement;
  const reason = h('input', { id: 'reason', maxlength: '500' }) as HTMLInputElement;
  const statusForm = h(
    'form',
    { class: 'bar', 'aria-label': 'Change status' },
    h('label', { for: 'to' }, 'New status', to),
    h('label', { for: 'reason' }, 'Reason', reason),
    h('button', { type: 'submit' }, 'Change status'),
  );
  statusForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (reason.value.trim() !== '')
      void change(
        'bids.update_status',
        { bid: bid.id, status: to.value, reason: reason.value.trim() },
        status,
      );
  });
  root.replaceChildren(
    h('h1', {}, `${bid.label} ${bid.title}`),
    h(
      'p',
      {},
      h('span', { class: `badge ${bid.status}` }, label(bid.status)),
      ` for ${bid.days_in_status} days · ${usd(bid.amount_usd)}`,
    ),
    h(
      'dl',
      {},
      h('dt', {}, 'Due'),
      h('dd', {}, day(bid.due_date)),
      bid.project === undefined ? null : h('dt', {}, 'Project'),
      bid.project === undefined ? null : h('dd', {}, bid.project.name),
      bid.company === undefined ? null : h('dt', {}, 'Company'),
      bid.company === undefined ? null : h('dd', {}, bid.company?.name ?? '—'),
      bid.contact === undefined ? null : h('dt', {}, 'Contact'),
      bid.contact === undefined
        ? null
        : h('dd', {}, bid.contact === null ? '—' : `${bid.contact.name} <${bid.contact.email}>`),
    ),
    h('h2', {}, 'History'),
    h(
      'ol',
      {},
      ...bid.history.map((e) =>
        h(
          'li',
          {},
          `${day(e.at)}: ${e.from === null ? '' : `${label(e.from)} → `}${label(e.to)}`,
          e.reason === null ? '' : ` (${e.reason})`,
        ),
      ),
    ),
    h('h2', {}, 'Notes'),
    bid.notes.length === 0
      ? h('p', { class: 'muted' }, 'No notes yet.')
      : h('ul', {}, ...bid.notes.map((n) => h('li', {}, `${day(n.at)} ${n.author ?? ''}: `, n.body))),
    noteForm,
    statusForm,
    status,
  );
}

void connect('bid-detail', (result) => {
  const bid = result.structuredContent as Bid | undefined;
  if (bid?.history === undefined) fallback(root, textOf(result));
  else render(bid);
});
