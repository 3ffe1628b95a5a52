import { harborLine } from './harbor-line.js';
import { summitRidge } from './summit-ridge.js';
import type { TenantSeed } from './tenant-seed.js';

export const DEMO_TENANTS: readonly TenantSeed[] = [summitRidge, harborLine];
