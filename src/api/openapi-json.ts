import { packageVersion } from '../lib/package-version.js';
import { openApiDocument } from './openapi.js';
import { API_OPERATIONS } from './operations.js';

/** This build's OpenAPI document, serialised once: served at /api/v1/openapi.json and committed as docs/openapi.json. */
export const OPENAPI_JSON = `${JSON.stringify(openApiDocument(API_OPERATIONS, packageVersion()), null, 2)}\n`;
