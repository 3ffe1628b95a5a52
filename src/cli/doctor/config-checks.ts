import { isLoopbackHost } from '../../config/loopback.js';
import { compileAllowlist } from '../../domain/mail/allowlist.js';
import { TOOLS } from '../../tools/registry.js';
import { offeredTools } from '../../tools/offered-tools.js';
import { type DoctorCheck, SYMPTOMS, pass, problem } from './doctor-check.js';

/** Node 20.19 runs; the authorization server engine (oidc-provider) wants 22 or 24. */
export const nodeCheck: DoctorCheck = {
  id: 'node',
  run: ({ nodeVersion }) => {
    const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
    const version = `Node ${nodeVersion}`;
    if (major < 20 || (major === 20 && minor < 19))
      return Promise.resolve(
        problem('node', 'fail', `${version} is too old`, SYMPTOMS.connector, 'install Node 22 or 24 LTS'),
      );
    if (major < 22)
      return Promise.resolve(
        problem(
          'node',
          'warn',
          `${version} runs, but oidc-provider warns on it`,
          SYMPTOMS.oauth,
          'use Node 22 or 24 LTS',
        ),
      );
    return Promise.resolve(pass('node', version));
  },
};

/** The issuer is an origin, https unless on loopback; ChatGPT compares it as an exact string. */
export const issuerCheck: DoctorCheck = {
  id: 'issuer',
  run: ({ config }) => {
    const issuer = new URL(config.oauth.issuer);
    if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname))
      return Promise.resolve(
        problem(
          'issuer',
          'fail',
          `WORKONWARD_MCP_OAUTH_ISSUER=${config.oauth.issuer} is not https`,
          SYMPTOMS.oauth,
          'serve through TLS and set WORKONWARD_MCP_OAUTH_ISSUER to the https origin, e.g. https://mcp.gitdate.ink',
        ),
      );
    return Promise.resolve(
      pass(
        'issuer',
        `${config.oauth.issuer}${issuer.protocol === 'https:' ? '' : ' (plain http: loopback only, for a local run)'}`,
      ),
    );
  },
};

/** The recipient allowlist is set and compiles (unset refuses every send). */
export const allowlistCheck: DoctorCheck = {
  id: 'allowlist',
  run: ({ config }) => {
    const pattern = config.mail.recipientAllowlist;
    if (pattern === undefined)
      return Promise.resolve(
        problem(
          'allowlist',
          'fail',
          'WORKONWARD_MCP_RECIPIENT_ALLOWLIST is unset: every recipient is refused',
          SYMPTOMS.noQueue,
          "set it to a narrow pattern, e.g. WORKONWARD_MCP_RECIPIENT_ALLOWLIST='@gitdate\\.ink$'",
        ),
      );
    try {
      compileAllowlist(pattern);
      return Promise.resolve(pass('allowlist', `recipients must match ${pattern}`));
    } catch (error) {
      return Promise.resolve(
        problem('allowlist', 'fail', (error as Error).message, SYMPTOMS.noQueue, 'fix the pattern'),
      );
    }
  },
};

/** Dry-run makes every send a preview: the guide's "no email queues" row. */
export const dryRunCheck: DoctorCheck = {
  id: 'dry-run',
  run: ({ config }) =>
    Promise.resolve(
      config.mail.dryRun
        ? problem(
            'dry-run',
            'warn',
            'WORKONWARD_MCP_DRY_RUN=1: sends are checked and audited but nothing is queued or delivered',
            SYMPTOMS.noQueue,
            'when the previews and the audit log are right, set WORKONWARD_MCP_DRY_RUN=0 and restart',
          )
        : pass('dry-run', 'off: send_email queues real mail'),
    ),
};

/** Which tools a grant of `--scopes` lists, and why a guide tool would be missing. */
export const toolsCheck: DoctorCheck = {
  id: 'tools',
  run: ({ config, scopes }) => {
    const offered = offeredTools(TOOLS, config);
    const listed = offered.filter((tool) => tool.scopes.every((scope) => scopes.includes(scope)));
    const missing = ['validate_recipients', 'preview_send', 'send_email'].filter(
      (name) => !listed.some((tool) => tool.name === name),
    );
    const names = listed.map((tool) => tool.name).join(', ');
    const batch = config.mail.batchEnabled ? '' : '; send_batch_email is off (WORKONWARD_MCP_BATCH_SEND=0)';
    if (listed.length === 0 || missing.length > 0) {
      const need = [
        ...new Set(offered.filter((tool) => missing.includes(tool.name)).flatMap((tool) => [...tool.scopes])),
      ].filter((scope) => !scopes.includes(scope));
      return Promise.resolve(
        problem(
          'tools',
          'fail',
          `for scopes "${scopes.join(' ')}": ${names || 'no tools'}; missing ${missing.join(', ')}${batch}`,
          SYMPTOMS.tools,
          `reconnect the connector and grant ${need.join(' ') || 'the missing scopes'}, then refresh its tool list`,
        ),
      );
    }
    return Promise.resolve(
      pass('tools', `${listed.length} tools for "${scopes.join(' ')}": ${names}${batch}`),
    );
  },
};
