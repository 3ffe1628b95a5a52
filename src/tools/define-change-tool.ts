import type { z } from 'zod';
import type { ChangeRequest } from '../domain/crm/change-proposal.js';
import type { Scope } from '../domain/scopes.js';
import { askFirst } from './ask-first.js';
import {
  CHANGE_ANNOTATIONS,
  CHANGE_GUARANTEES,
  type changeControls,
  changeResult,
  changeText,
} from './change-schemas.js';
import { defineTool, type ToolDefinition } from './define-tool.js';

type ChangeInput = z.ZodObject<z.ZodRawShape & typeof changeControls>;
type ChangeControls = { idempotency_key: string; change_id?: string | undefined };

/** How every write tool asks first, said once in each description (the model reads it per tool). */
const ASK_FIRST =
  ' Asks the user first: the change is shown and made only after they confirm it. If the answer has outcome "confirmation_required", show `change.summary` to the user and, only if they say yes, call again with the same arguments plus `change_id`. Use one idempotency_key per intended change and reuse it when retrying.';

/**
 * A tool that changes one CRM record: it names the change its input asks for; showing it,
 * asking, idempotency, auditing and the result shape are the same for all (`askFirst`).
 */
export function defineChangeTool<In extends ChangeInput>(definition: {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: In;
  readonly scopes: readonly Scope[];
  readonly invoking: string;
  readonly invoked: string;
  readonly request: (input: z.output<In>) => ChangeRequest;
}): ToolDefinition<In, typeof changeResult> {
  return defineTool({
    name: definition.name,
    title: definition.title,
    description: definition.description + ASK_FIRST,
    input: definition.input,
    output: changeResult,
    annotations: CHANGE_ANNOTATIONS,
    scopes: definition.scopes,
    guarantees: CHANGE_GUARANTEES,
    invoking: definition.invoking,
    invoked: definition.invoked,
    run: (input, context) =>
      // Every ChangeInput carries changeControls; zod's generic output type cannot show it.
      askFirst(definition.request(input), input as z.output<In> & ChangeControls, context),
    text: changeText,
  });
}
