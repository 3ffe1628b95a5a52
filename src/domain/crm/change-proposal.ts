import { createHash } from 'node:crypto';
import type { BidStatus, ProjectStatus } from '../../store/schema.js';
import type { CrmReader } from './crm-reader.js';

export type ChangeTool = 'bids.update_status' | 'bids.add_note' | 'projects.update_status';

/** What a write tool was asked to do, before anyone has looked at the record. */
export type ChangeRequest =
  | {
      readonly tool: 'bids.update_status';
      readonly bid: string;
      readonly status: BidStatus;
      readonly reason: string;
    }
  | { readonly tool: 'bids.add_note'; readonly bid: string; readonly body: string }
  | {
      readonly tool: 'projects.update_status';
      readonly project: string;
      readonly status: ProjectStatus;
      readonly reason: string | null;
    };

/** The exact change, as shown to the person who confirms it. */
export interface ProposedChange {
  readonly tool: ChangeTool;
  readonly kind: 'bid_status' | 'bid_note' | 'project_status';
  readonly target: { readonly type: 'bid' | 'project'; readonly id: string; readonly label: string };
  /** The status now (status changes only). */
  readonly from: string | null;
  /** The status after the change (status changes only). */
  readonly to: string | null;
  readonly note: string | null;
  readonly reason: string | null;
  /** One sentence a person can say yes or no to. */
  readonly summary: string;
  /** True when the record is already as asked: nothing to change. */
  readonly noop: boolean;
  /** The request itself, whatever the record's state: what an idempotency key is bound to. */
  readonly fingerprint: string;
  /** This change from this state: what a confirmation is bound to. */
  readonly digest: string;
}

const hash = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/**
 * Reads the record a change is about (through the tenant's own reader: another tenant's record is
 * "not found") and describes the change exactly. Makes no change.
 */
export async function proposeChange(crm: CrmReader, request: ChangeRequest): Promise<ProposedChange> {
  if (request.tool === 'projects.update_status') {
    const project = await crm.getProject(request.project);
    const request_ = [request.tool, project.id, request.status, request.reason];
    return {
      tool: request.tool,
      kind: 'project_status',
      target: { type: 'project', id: project.id, label: project.name },
      from: project.status,
      to: request.status,
      note: null,
      reason: request.reason,
      summary: `Change project “${project.name}” from ${project.status} to ${request.status}${request.reason === null ? '' : ` (reason: ${request.reason})`}.`,
      noop: project.status === request.status,
      fingerprint: hash(request_),
      digest: hash([...request_, project.status]),
    };
  }
  const bid = await crm.findBid(request.bid);
  const label = `${bid.label} ${bid.title}`;
  if (request.tool === 'bids.update_status') {
    const request_ = [request.tool, bid.id, request.status, request.reason];
    return {
      tool: request.tool,
      kind: 'bid_status',
      target: { type: 'bid', id: bid.id, label },
      from: bid.status,
      to: request.status,
      note: null,
      reason: request.reason,
      summary: `Change bid ${label} from ${bid.status} to ${request.status} (reason: ${request.reason}).`,
      noop: bid.status === request.status,
      fingerprint: hash(request_),
      digest: hash([...request_, bid.status]),
    };
  }
  const request_ = [request.tool, bid.id, request.body];
  return {
    tool: request.tool,
    kind: 'bid_note',
    target: { type: 'bid', id: bid.id, label },
    from: null,
    to: null,
    note: request.body,
    reason: null,
    summary: `Add a note to bid ${label}: “${request.body}”.`,
    noop: false,
    fingerprint: hash(request_),
    // A note changes nothing it depends on; the digest still names the bid and the exact text.
    digest: hash([...request_, 'note']),
  };
}
