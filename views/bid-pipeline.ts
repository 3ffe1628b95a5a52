import { connect } from './bridge.js';
import { fallback, h, label, textOf, usd } from './dom.js';

/** bids.list: the bids as a pipeline, a column per status, the guide's ">14 days" question at a glance. */
interface Bid {
  label: string;
  title: string;
  status: string;
  amount_usd: number;
  days_in_status: number;
  company?: { name: string } | null;
}

const STATUSES = ['draft', 'submitted', 'negotiation', 'won', 'lost'];
const STALE_DAYS = 14;
const root = h('main');
document.body.append(root);

function render(bids: Bid[]) {
  const stale = bids.filter((b) => b.status === 'negotiation' && b.days_in_status > STALE_DAYS);
  root.replaceChildren(
    h('h1', {}, 'Bid pipeline'),
    h(
      'p',
      { class: stale.length > 0 ? 'banner warn' : 'muted', role: 'status' },
      stale.length === 0
        ? `No bid has been in negotiation for more than ${STALE_DAYS} days.`
        : `${stale.length} bid${stale.length === 1 ? '' : 's'} in negotiation for more than ${STALE_DAYS} days: ${stale.map((b) => b.label).join(', ')}`,
    ),
    h(
      'div',
      { class: 'columns' },
      ...STATUSES.map((status) => {
        const column = bids.filter((b) => b.status === status);
        const total = column.reduce((sum, b) => sum + b.amount_usd, 0);
        return h(
          'section',
          { class: 'column', 'aria-label': `${label(status)}: ${column.length} bids` },
          h('h2', {}, `${label(status)} `, h('span', { class: 'muted' }, `${column.length} · ${usd(total)}`)),
          h(
            'ul',
            { class: 'cards', role: 'list', style: 'list-style:none;padding:0' },
            ...column.map((b) =>
              h(
                'li',
                { class: 'card' },
                h('strong', {}, `${b.label} `),
                b.title,
                h(
                  'div',
                  { class: 'muted' },
                  usd(b.amount_usd),
                  b.company?.name === undefined ? '' : ` · ${b.company.name}`,
                ),
                h(
                  'div',
                  {},
                  h(
                    'span',
                    {
                      class: `badge${b.status === 'negotiation' && b.days_in_status > STALE_DAYS ? ' stale' : ''}`,
                    },
                    `${b.days_in_status} days in ${label(b.status)}`,
                  ),
                ),
              ),
            ),
          ),
        );
      }),
    ),
  );
}

void connect('bid-pipeline', (result) => {
  const bids = result.structuredContent?.bids as Bid[] | undefined;
  if (bids === undefined) fallback(root, textOf(result));
  else render(bids);
});
