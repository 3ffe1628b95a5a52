import { allowlistCheck, dryRunCheck, issuerCheck, nodeCheck, toolsCheck } from './config-checks.js';
import { backendCheck } from './backend-check.js';
import type { CheckResult, DoctorCheck, DoctorContext } from './doctor-check.js';
import { mcpChallengeCheck, metadataCheck } from './http-checks.js';
import { smtpCheck } from './mail-checks.js';
import { proxyCheck } from './proxy-check.js';
import { outboxCheck, signInCheck } from './store-checks.js';

/** Every check, in the order the report lists them (the guide's table, top to bottom). */
export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  nodeCheck,
  issuerCheck,
  proxyCheck,
  metadataCheck,
  mcpChallengeCheck,
  signInCheck,
  smtpCheck,
  backendCheck,
  toolsCheck,
  allowlistCheck,
  dryRunCheck,
  outboxCheck,
];

export interface DoctorReport {
  readonly url: string;
  readonly checks: readonly CheckResult[];
  readonly failures: number;
}

/** Runs every check; one that throws is a failure with its message, never a crash of the report. */
export async function runDoctor(context: DoctorContext): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  for (const check of DOCTOR_CHECKS) {
    try {
      checks.push(await check.run(context));
    } catch (error) {
      checks.push({
        id: check.id,
        status: 'fail',
        detail: `the check itself failed: ${(error as Error).message}`,
      });
    }
  }
  return { url: context.url, checks, failures: checks.filter((c) => c.status === 'fail').length };
}

/** The report a person reads: one line per check, symptom and fix under each warn and fail. */
export function renderReport(report: DoctorReport): string {
  const lines = [`workonward-mcp doctor: ${report.url}`];
  for (const check of report.checks) {
    lines.push(`${check.status.toUpperCase().padEnd(4)}  ${check.id.padEnd(9)} ${check.detail}`);
    if (check.symptom !== undefined) lines.push(`                symptom: ${check.symptom}`);
    if (check.fix !== undefined) lines.push(`                fix: ${check.fix}`);
  }
  lines.push(
    report.failures === 0 ? 'no failures' : `${report.failures} failure${report.failures === 1 ? '' : 's'}`,
  );
  return lines.join('\n');
}
