import {
  CLIENT_CAPABILITIES_META_KEY,
  type ClientCapabilities,
  type InputRequiredResult,
  inputRequired,
  inputResponse,
  PROTOCOL_VERSION_META_KEY,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { ChangeTokens } from '../domain/crm/change-tokens.js';
import type { Principal } from '../domain/principal.js';
import { bindingOf, changeIdConfirmer, type Confirmer } from '../tools/confirmer.js';

/** The form a client shows the person: one yes/no about the exact change. */
const CONFIRM_KEY = 'confirm';
const confirmForm = (message: string) => ({
  message,
  requestedSchema: {
    type: 'object' as const,
    properties: {
      confirm: { type: 'boolean' as const, title: 'Make this change', description: message },
    },
    required: ['confirm'],
  },
});

/** Form elicitation: `elicitation: {}` (2025-06-18) or `elicitation: { form: {} }` (2025-11-25 on). */
export function formElicitation(capabilities: ClientCapabilities | undefined): boolean {
  const elicitation = capabilities?.elicitation as Record<string, unknown> | undefined;
  if (elicitation === undefined) return false;
  return Object.keys(elicitation).length === 0 || elicitation.form !== undefined;
}

export interface ConfirmChannel {
  readonly confirmer: Confirmer;
  /** Set when the call must be answered with `input_required` instead of the tool's output. */
  pendingInput(): InputRequiredResult | undefined;
}

/**
 * Which way this request asks the person (issue 11):
 * - 2026-07-28 requests that declare form elicitation: `input_required` (MRTR) with a one-question
 *   form and a sealed `requestState`; the retry carries the answer and the state.
 * - 2025-era requests over stdio whose client declared form elicitation: `elicitation/create`
 *   during the call (one connection carries the question and the answer).
 * - Everyone else, including every 2025-era HTTP request — this endpoint is stateless, so a
 *   server-to-client request could not be answered on it — gets the preview-then-confirm way:
 *   a `change_id` bound to the exact change.
 */
export function confirmChannel(
  ctx: ServerContext,
  declaredByInitialize: ClientCapabilities | undefined,
  tokens: ChangeTokens,
  principal: Principal,
): ConfirmChannel {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const modern = typeof envelope?.[PROTOCOL_VERSION_META_KEY] === 'string';
  if (modern) {
    const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
    if (formElicitation(capabilities)) return inputRequiredChannel(ctx, tokens, principal);
  } else if (ctx.http === undefined && formElicitation(declaredByInitialize)) {
    return elicitationChannel(ctx);
  }
  return { confirmer: changeIdConfirmer(tokens, principal), pendingInput: () => undefined };
}

function inputRequiredChannel(
  ctx: ServerContext,
  tokens: ChangeTokens,
  principal: Principal,
): ConfirmChannel {
  let pending: InputRequiredResult | undefined;
  const state = ctx.mcpReq.requestState();
  return {
    pendingInput: () => pending,
    confirmer: {
      confirm(change, key) {
        const binding = bindingOf(change, key);
        // The state is attacker input until its MAC checks out for this caller and this change.
        if (typeof state === 'string' && tokens.check('request_state', principal, binding, state) === 'ok') {
          const answer = inputResponse(ctx.mcpReq.inputResponses, CONFIRM_KEY);
          if (answer.kind === 'elicit') {
            const yes = answer.action === 'accept' && answer.content?.confirm === true;
            return Promise.resolve({ kind: yes ? 'confirmed' : 'declined', via: 'input_required' });
          }
        }
        // No answer yet, or one for another change (the record moved on): ask about this one.
        pending = inputRequired({
          inputRequests: { [CONFIRM_KEY]: inputRequired.elicit(confirmForm(change.summary)) },
          requestState: tokens.mint('request_state', principal, binding),
        });
        return Promise.resolve({ kind: 'shown', changeId: null });
      },
    },
  };
}

function elicitationChannel(ctx: ServerContext): ConfirmChannel {
  return {
    pendingInput: () => undefined,
    confirmer: {
      async confirm(change) {
        // The 2025-era push request, used only on that era's stdio path (see confirmChannel).
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        const answer = await ctx.mcpReq.elicitInput({ mode: 'form', ...confirmForm(change.summary) });
        const yes = answer.action === 'accept' && answer.content?.confirm === true;
        return { kind: yes ? 'confirmed' : 'declined', via: 'elicitation' };
      },
    },
  };
}
