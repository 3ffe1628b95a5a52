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
  const ports = env.portsFor(principal, options);
  return {
    principal,
    confirm,
    crm: refusingNul(ports.crm),
    mail: refusingNul(ports.mail),
    account: refusingNul(ports.account),
    changes: refusingNul(ports.changes),
  };
}
