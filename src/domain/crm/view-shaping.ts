import type { Scope } from '../scopes.js';
import type { BidSummary, CompanyDetail, ProjectDetail } from './views.js';

/**
 * What each scope shows, as data: a view's own fields need the scope of its kind, and a field that
 * carries a record of another kind needs that kind's scope. These functions are pure (a view and
 * the granted scopes in, a view with only permitted kinds out), so the same shaping applies to
 * views read from this deployment's store and to views received from another deployment.
 *
 * Companies belong to `contacts:read` ("Read contacts and companies"); a project's client company
 * (its id and name) is part of the project, as the consent page says for `projects:read`.
 */
export const KIND_SCOPE = {
  project: 'projects:read',
  bid: 'bids:read',
  company: 'contacts:read',
  contact: 'contacts:read',
} as const satisfies Record<string, Scope>;

export type RecordKind = keyof typeof KIND_SCOPE;

/** Keys whose value may be absent: only those can be left out without breaking the schema. */
type OptionalKey<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
type RelatedFields<T> = Partial<Record<OptionalKey<T>, Scope>>;

const BID_RELATED: RelatedFields<BidSummary> = {
  project: KIND_SCOPE.project,
  company: KIND_SCOPE.company,
  contact: KIND_SCOPE.contact,
};
const PROJECT_RELATED: RelatedFields<ProjectDetail> = { bids: KIND_SCOPE.bid };
const COMPANY_RELATED: RelatedFields<CompanyDetail> = { projects: KIND_SCOPE.project };

/** The fields a grant may not see, or undefined when it may see them all. */
function hiddenFields(
  related: Partial<Record<string, Scope>>,
  scopes: readonly Scope[],
): string[] | undefined {
  const hidden = Object.entries(related)
    .filter(([, scope]) => scope !== undefined && !scopes.includes(scope))
    .map(([key]) => key);
  return hidden.length === 0 ? undefined : hidden;
}

/** `related` is declared as RelatedFields<View> below, so it names only keys that may be absent. */
function without<T extends object>(
  view: T,
  related: Partial<Record<string, Scope>>,
  scopes: readonly Scope[],
): T {
  const hidden = hiddenFields(related, scopes);
  if (hidden === undefined) return view;
  return Object.fromEntries(Object.entries(view).filter(([key]) => !hidden.includes(key))) as T;
}

export function canRead(scopes: readonly Scope[], kind: RecordKind): boolean {
  return scopes.includes(KIND_SCOPE[kind]);
}

/** A bid summary or detail: its project, company and contact only with their scopes. */
export function shapeBid<T extends BidSummary>(bid: T, scopes: readonly Scope[]): T {
  return without(bid, BID_RELATED, scopes);
}

/** A project's bids only with `bids:read`, each bid shaped in turn. */
export function shapeProject(project: ProjectDetail, scopes: readonly Scope[]): ProjectDetail {
  const shaped = without(project, PROJECT_RELATED, scopes);
  return shaped.bids === undefined
    ? shaped
    : { ...shaped, bids: shaped.bids.map((bid) => shapeBid(bid, scopes)) };
}

/** A company's projects only with `projects:read` (its contacts share its own scope). */
export function shapeCompany(company: CompanyDetail, scopes: readonly Scope[]): CompanyDetail {
  return without(company, COMPANY_RELATED, scopes);
}
