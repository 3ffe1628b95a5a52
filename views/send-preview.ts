import { connect } from './bridge.js';
import { fallback, h, textOf } from './dom.js';

/** preview_send: exactly what will be sent — headers, envelope, body — and what stops it. */
interface Preview {
  sendable: boolean;
  preview_id: string | null;
  dry_run: boolean;
  headers: Record<string, string>;
  envelope: { from: string; to: string[] };
  message: { text: string };
  problems: string[];
}

const root = h('main');
document.body.append(root);

function render(p: Preview) {
  root.replaceChildren(
    h('h1', {}, 'Email preview'),
    h(
      'p',
      { class: p.dry_run ? 'banner warn' : 'muted', role: 'status' },
      p.dry_run
        ? 'Dry-run mode: sending will record this message but not queue it.'
        : 'Live mode: send_email queues this message.',
    ),
    p.sendable
      ? h('p', { class: 'muted' }, `Ready to send. preview_id ${p.preview_id ?? ''}`)
      : h(
          'div',
          { class: 'banner bad', role: 'alert' },
          'Not sendable:',
          h('ul', {}, ...p.problems.map((problem) => h('li', {}, problem))),
        ),
    h('h2', {}, 'Headers'),
    h(
      'dl',
      {},
      ...Object.entries(p.headers).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
    ),
    h('h2', {}, 'Envelope'),
    h(
      'dl',
      {},
      h('dt', {}, 'From'),
      h('dd', {}, p.envelope.from),
      h('dt', {}, 'To'),
      h('dd', {}, p.envelope.to.join(', ') || '(nobody)'),
    ),
    h('h2', {}, 'Body'),
    h('pre', {}, p.message.text),
  );
}

void connect('send-preview', (result) => {
  const preview = result.structuredContent as Preview | undefined;
  if (preview?.envelope === undefined) fallback(root, textOf(result));
  else render(preview);
});
