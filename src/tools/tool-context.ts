import type { Principal } from '../domain/principal.js';
import type { Backend, PortOptions, Ports } from '../ports/ports.js';
import { type Confirmer, noConfirmer } from './confirmer.js';
import { refusingNul } from './refuse-nul.js';

/**
 * What the tools are served from, built once at start-up: this deployment (`ports/local`) or
 * another deployment's API (`ports/remote`). Tools only ever see the ports it hands out.
 */
export type ToolEnvironment = Backend;

/**
 * What one call runs with: its principal and the ports for it. `crm` is shaped by the
 * principal's scopes (`scopedCrm`) in every adapter: no face can show a field the grant does not
 * cover, because no face holds an unshaped reader. Every port refuses a NUL character in any
 * argument (`refusingNul`), whichever adapter serves it.
 */
export interface ToolContext extends Ports {
  readonly principal: Principal;
  /** How this call asks the person before a change (write tools); set by the MCP layer per request. */
  readonly confirm: Confirmer;
}

export function toolContext(
  env: ToolEnvironment,
  principal: Principal,
  options?: PortOptions,
  confirm: Confirmer = noConfirmer,
): ToolContext {
  return { principal, confirm, ...portsOf(env, principal, options) };
}

/**
 * Each principal's ports, built and wrapped once and reused by its later calls: they are
 * closures over the principal and the backend that keep nothing of a call, and building them
 * (four services, each behind two proxies) was ~17 KB of garbage per tool call. Keyed by the
 * principal object: a narrowed grant or a re-read token is a new principal and gets new ports, and
 * an entry goes with its principal.
 */
const built = new WeakMap<ToolEnvironment, WeakMap<Principal, Map<string, Ports>>>();
/**
 * The cache key of a call's options: every PortOptions field (the mapped type does not compile
 * until a new field is part of it).
 */
function keyOf(options: PortOptions): string {
  const fields: { readonly [Field in keyof Required<PortOptions>]: string } = {
    dryRun: String(options.dryRun === true),
  };
  return Object.values(fields).join(' ');
}

function portsOf(env: ToolEnvironment, principal: Principal, options: PortOptions = {}): Ports {
  let byPrincipal = built.get(env);
  if (byPrincipal === undefined) built.set(env, (byPrincipal = new WeakMap<Principal, Map<string, Ports>>()));
  let byOptions = byPrincipal.get(principal);
  if (byOptions === undefined) byPrincipal.set(principal, (byOptions = new Map<string, Ports>()));
  const key = keyOf(options);
  let ports = byOptions.get(key);
  if (ports === undefined) {
    const raw = env.portsFor(principal, options);
    ports = {
      crm: refusingNul(raw.crm),
      mail: refusingNul(raw.mail),
      account: refusingNul(raw.account),
      changes: refusingNul(raw.changes),
    };
    byOptions.set(key, ports);
  }
  return ports;
}
