import type { PromptDefinition } from './define-prompt.js';
import { draftBidFollowup } from './draft-bid-followup.js';
import { summarizeOpenProjects } from './summarize-open-projects.js';

export const PROMPTS: readonly PromptDefinition[] = [summarizeOpenProjects, draftBidFollowup];
