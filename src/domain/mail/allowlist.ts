import safeRegex from 'safe-regex2';

/**
 * The operator's recipient allowlist (`WORKONWARD_MCP_RECIPIENT_ALLOWLIST`). It is only ever tested
 * against a canonical addr-spec from `parseAddress`, never against raw input, and it is always
 * matched as if it ended with `$` (`(?:pattern)$`), so no alternative can be left unanchored and
 * a suffix such as `.evil.com` can never be appended to an allowed domain.
 */
export interface RecipientAllowlist {
  /** The pattern as configured, or undefined when unset (sending is then refused). */
  readonly source: string | undefined;
  allows(canonical: string): boolean;
}

export const ALLOWLIST_HOWTO =
  "Set WORKONWARD_MCP_RECIPIENT_ALLOWLIST to a pattern for the canonical addresses that may receive mail, e.g. export WORKONWARD_MCP_RECIPIENT_ALLOWLIST='@gitdate\\.ink$', and restart the server.";

export class AllowlistConfigError extends Error {
  constructor(problem: string) {
    super(`WORKONWARD_MCP_RECIPIENT_ALLOWLIST: ${problem}. ${ALLOWLIST_HOWTO}`);
    this.name = 'AllowlistConfigError';
  }
}

/** A `.` that is not escaped, not inside a class, and not followed by a quantifier: `@gitdate.ink$`. */
function hasBareDot(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i];
    if (char === '\\') {
      i += 1;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '.' && !inClass && !/[*+?{]/.test(pattern[i + 1] ?? '')) return true;
  }
  return false;
}

/**
 * Compiles the allowlist, refusing at start-up a pattern that is invalid, that could backtrack
 * catastrophically (star height > 1, checked with `safe-regex2`), or that has an unescaped dot
 * where a literal one was surely meant.
 */
export function compileAllowlist(pattern: string | undefined): RecipientAllowlist {
  if (pattern === undefined) return { source: undefined, allows: () => false };
  let regex: RegExp;
  try {
    regex = new RegExp(`(?:${pattern})$`, 'i');
  } catch (error) {
    throw new AllowlistConfigError(`is not a valid regular expression (${(error as Error).message})`);
  }
  if (!safeRegex(regex, { limit: 25 }))
    throw new AllowlistConfigError(
      'could backtrack catastrophically (nested or overlapping repetition such as (a+)+); simplify it',
    );
  if (hasBareDot(pattern))
    throw new AllowlistConfigError(
      'contains an unescaped "." that matches any character; write \\. for a literal dot',
    );
  return { source: pattern, allows: (canonical) => regex.test(canonical) };
}
