import { connect } from './bridge.js';
import { day, fallback, h, label, textOf, usd } from './dom.js';

/** projects.list / summarize_open_projects: the projects as a brief to scan, sorted and filtered here. */
interface Project {
  id: string;
  name: string;
  status: string;
  client: { name: string } | null;
  location: string | null;
  value_usd: number | null;
  start_date: string | null;
  end_date: string | null;
}

const root = h('main');
document.body.append(root);
let projects: Project[] = [];
const state = { sort: 'name', status: 'all', query: '' };

const SORTS: Record<string, (a: Project, b: Project) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  value: (a, b) => (b.value_usd ?? -1) - (a.value_usd ?? -1),
  start: (a, b) => (a.start_date ?? '9999').localeCompare(b.start_date ?? '9999'),
  end: (a, b) => (a.end_date ?? '9999').localeCompare(b.end_date ?? '9999'),
};

function select(
  id: string,
  text: string,
  options: [string, string][],
  value: string,
  set: (v: string) => void,
) {
  const control = h(
    'select',
    { id },
    ...options.map(([v, t]) => h('option', { value: v }, t)),
  ) as HTMLSelectElement;
  control.value = value;
  control.addEventListener('change', () => {
    set(control.value);
    render();
  });
  return h('label', { for: id }, text, control);
}

function render() {
  const statuses = [...new Set(projects.map((p) => p.status))].sort();
  const query = state.query.toLowerCase();
  const shown = projects
    .filter((p) => state.status === 'all' || p.status === state.status)
    .filter(
      (p) =>
        query === '' || `${p.name} ${p.client?.name ?? ''} ${p.location ?? ''}`.toLowerCase().includes(query),
    )
    .sort(SORTS[state.sort]);
  const total = shown.reduce((sum, p) => sum + (p.value_usd ?? 0), 0);
  const search = h('input', { id: 'q', type: 'search', value: state.query }) as HTMLInputElement;
  search.addEventListener('input', () => {
    state.query = search.value;
    render();
    document.getElementById('q')?.focus();
  });
  root.replaceChildren(
    h('h1', {}, 'Project brief'),
    h(
      'p',
      { class: 'muted', role: 'status' },
      `${shown.length} of ${projects.length} projects · ${usd(total)} total value`,
    ),
    h(
      'div',
      { class: 'bar' },
      select(
        'status',
        'Status',
        [['all', 'All'], ...statuses.map((s): [string, string] => [s, label(s)])],
        state.status,
        (v) => (state.status = v),
      ),
      select(
        'sort',
        'Sort by',
        [
          ['name', 'Name'],
          ['value', 'Value (highest first)'],
          ['start', 'Start date'],
          ['end', 'End date'],
        ],
        state.sort,
        (v) => (state.sort = v),
      ),
      h('label', { for: 'q' }, 'Filter', search),
    ),
    h(
      'table',
      { class: 'stack' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Project', 'Status', 'Client', 'Value', 'Start', 'End'].map((t, i) =>
            h('th', { scope: 'col', class: i === 3 ? 'num' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...shown.map((p) =>
          h(
            'tr',
            {},
            h(
              'td',
              { 'data-label': 'Project' },
              h('strong', {}, p.name),
              p.location === null ? null : h('div', { class: 'muted' }, p.location),
            ),
            h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${p.status}` }, label(p.status))),
            h('td', { 'data-label': 'Client' }, p.client?.name ?? '—'),
            h('td', { 'data-label': 'Value', class: 'num' }, usd(p.value_usd)),
            h('td', { 'data-label': 'Start' }, day(p.start_date)),
            h('td', { 'data-label': 'End' }, day(p.end_date)),
          ),
        ),
      ),
    ),
  );
}

void connect('project-brief', (result) => {
  const list = result.structuredContent?.projects as Project[] | undefined;
  if (list === undefined) {
    fallback(root, textOf(result));
    return;
  }
  projects = list;
  render();
});
