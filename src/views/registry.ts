import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { VIEW_BUNDLES } from './bundles.js';

/**
 * The MCP Apps views (io.modelcontextprotocol/ui): one self-contained HTML document each, built
 * from views/ by `npm run docs`. A tool names its view by `uri` (tools/define-tool.ts `view`).
 */
export interface ViewDefinition {
  readonly name: keyof typeof VIEW_BUNDLES;
  readonly uri: string;
  readonly title: string;
  readonly description: string;
}

export const VIEW_MIME_TYPE = RESOURCE_MIME_TYPE;

/**
 * What a view may reach: nothing. Empty lists keep the host's restrictive default CSP (no
 * network, no external scripts, styles, images or frames); declared explicitly so hosts whose
 * defaults differ still apply no exception.
 */
export const VIEW_UI_META = {
  csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] },
  prefersBorder: true,
} as const;

const view = (name: ViewDefinition['name'], title: string, description: string): ViewDefinition => ({
  name,
  uri: `ui://workonward/${name}.html`,
  title,
  description,
});

export const PROJECT_BRIEF = view(
  'project-brief',
  'Project brief',
  'The projects of projects.list as a brief: status, client, value and dates, sorted and filtered in the view.',
);
export const BID_PIPELINE = view(
  'bid-pipeline',
  'Bid pipeline',
  'The bids of bids.list as columns by status with days in status; bids in negotiation for more than 14 days are flagged.',
);
export const BID_DETAIL = view(
  'bid-detail',
  'Bid detail',
  'One bid from bids.get: history with reasons, notes, contact; adding a note or changing the status goes through the write tools, which ask first.',
);
export const SEND_PREVIEW = view(
  'send-preview',
  'Email preview',
  'preview_send: exactly what will be sent (headers, envelope, body), what blocks it, and the dry-run banner.',
);

/** Every view, in the order `resources/list` shows them. */
export const VIEWS: readonly ViewDefinition[] = [PROJECT_BRIEF, BID_PIPELINE, BID_DETAIL, SEND_PREVIEW];

export function viewHtml(definition: ViewDefinition): string {
  return VIEW_BUNDLES[definition.name];
}
