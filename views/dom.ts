/** Builds elements from text only (never HTML strings), so no tool value can become markup. */
export function h(
  tag: string,
  attributes: Record<string, string | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, value);
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return element;
}

export const usd = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : value.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

export const day = (iso: string | null | undefined) =>
  iso === null || iso === undefined ? '—' : iso.slice(0, 10);

export const label = (status: string) => status.replace('_', ' ');

/** Shows the result's text when it carries no structured content (an error, an older server). */
export function fallback(root: HTMLElement, text: string) {
  root.replaceChildren(h('p', { class: 'note', role: 'status' }, text));
}

export function textOf(result: { content?: { type: string; text?: string }[] }): string {
  return (result.content ?? []).map((block) => block.text ?? '').join('\n');
}
