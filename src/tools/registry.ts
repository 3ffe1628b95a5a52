import { bidsAddNote } from './bids-add-note.js';
import { bidsGet } from './bids-get.js';
import { bidsList } from './bids-list.js';
import { bidsUpdateStatus } from './bids-update-status.js';
import { companiesGet } from './companies-get.js';
import { companiesList } from './companies-list.js';
import { contactsGet } from './contacts-get.js';
import { contactsSearch } from './contacts-search.js';
import type { ToolDefinition } from './define-tool.js';
import { fetchDocument } from './fetch.js';
import { projectsGet } from './projects-get.js';
import { projectsList } from './projects-list.js';
import { projectsUpdateStatus } from './projects-update-status.js';
import { search } from './search.js';
import { getSendStatusTool } from './get-send-status.js';
import { previewSendTool } from './preview-send.js';
import { sendBatchEmailTool } from './send-batch-email.js';
import { sendEmailTool } from './send-email.js';
import { validateRecipientsTool } from './validate-recipients.js';

/** Every tool the server offers, in the order `tools/list` shows them. One explicit list, never globbed. */
export const TOOLS: readonly ToolDefinition[] = [
  projectsList,
  projectsGet,
  companiesList,
  companiesGet,
  contactsSearch,
  contactsGet,
  bidsList,
  bidsGet,
  search,
  fetchDocument,
  validateRecipientsTool,
  previewSendTool,
  sendEmailTool,
  sendBatchEmailTool,
  getSendStatusTool,
  bidsUpdateStatus,
  bidsAddNote,
  projectsUpdateStatus,
];
