import { ALL_SCOPES } from '../../domain/scopes.js';
import { type Command, withStore } from '../command.js';
import { renderReport, runDoctor } from '../doctor/run-doctor.js';

/**
 * `doctor [--url URL] [--scopes "…"] [--json]`: the PING8 guide's Troubleshooting table as checks
 * against this configuration, its store and the running deployment (at the issuer, or `--url`).
 * Exit code = number of failed checks.
 */
export const doctorCommand: Command = {
  words: ['doctor'],
  options: '[--url URL] [--scopes "SCOPE …"]',
  summary: 'Check the configuration and the running deployment against the guide’s Troubleshooting table',
  run: ({ config, options }) =>
    withStore(config, async (store) => {
      const report = await runDoctor({
        config,
        store,
        url: (options.url ?? config.oauth.issuer).replace(/\/+$/, ''),
        scopes: options.scopes?.split(/[\s,]+/).filter(Boolean) ?? ALL_SCOPES,
        timeoutMs: 5000,
        nodeVersion: process.versions.node,
      });
      return { data: report, text: renderReport(report), exitCode: report.failures };
    }),
};
