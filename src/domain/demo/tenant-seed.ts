import type { BidStatus, CompanyRow, ProjectStatus } from '../../store/schema.js';

/**
 * The demo data, written as a construction company would see it. Dates are relative to the day
 * the data is loaded, so "in negotiation for more than 14 days" stays true whenever it is loaded.
 */
export interface TenantSeed {
  slug: string;
  name: string;
  users: { email: string; name: string; role: 'owner' | 'admin' | 'member' }[];
  companies: {
    key: string;
    name: string;
    kind: CompanyRow['kind'];
    city: string;
    phone?: string;
    website?: string;
  }[];
  contacts: {
    key: string;
    company: string;
    first: string;
    last: string;
    email: string;
    title: string;
    phone?: string;
  }[];
  projects: {
    key: string;
    name: string;
    status: ProjectStatus;
    client: string;
    location: string;
    value: number;
    /** Days from load day; negative is in the past. */
    start: number;
    end: number;
    description: string;
  }[];
  bids: {
    number: number;
    title: string;
    project: string;
    company: string;
    contact?: string;
    amount: number;
    /** Status changes as [status, days ago], oldest first; the last is the current status. */
    history: [BidStatus, number][];
    due?: number;
    notes?: [number, string][];
  }[];
}

export const DEMO_USERS = {
  alex: 'alex@summitridge.example',
  sam: 'sam@harborline.example',
} as const;
