import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';

/**
 * What the core makes of a request's params: answer it (`FINE`), hand it to the SDK (`HAND_ON`:
 * a shape the core does not judge), or refuse it with -32602 and this one-line reason naming the
 * param. The SDK's schema refuses the same params, but as a plain Error, which goes out as -32603
 * Internal error with the raw zod dump: a client's mistake reported as our fault. So the core
 * refuses them itself, and so does every SDK instance at its door (params-first.ts) for the
 * requests the core hands on. A refusal is only ever of params the SDK's schema refuses too, and
 * names the first param its schema would (the checks below run in the schema's key order).
 */
export const FINE = 'fine';
export const HAND_ON = 'hand on';
export type ParamsVerdict = typeof FINE | typeof HAND_ON | { readonly refusal: string };

type Params = Readonly<Record<string, unknown>>;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

export const keysWithin = (value: Record<string, unknown>, allowed: ReadonlySet<string>) =>
  Object.keys(value).every((key) => allowed.has(key));

const NAME_KEYS = new Set(['name', 'version', 'title']);

/** An `Implementation` (clientInfo) of exactly the keys the core reads. */
export const isName = (value: unknown): value is { name: string; version: string } =>
  isPlainObject(value) &&
  typeof value.name === 'string' &&
  typeof value.version === 'string' &&
  keysWithin(value, NAME_KEYS) &&
  (value.title === undefined || typeof value.title === 'string');

const refuse = (refusal: string): ParamsVerdict => ({ refusal });

/**
 * An optional string param (a list's `cursor`): our lists are one page, so any string cursor
 * answers the whole list, as the SDK does.
 */
function optionalString(params: Params, name: string): ParamsVerdict {
  const value = params[name];
  return value === undefined || typeof value === 'string' ? FINE : refuse(`${name} must be a string`);
}

function requiredString(params: Params, name: string): ParamsVerdict {
  return typeof params[name] === 'string' ? FINE : refuse(`${name} must be a string`);
}

/** prompts/get: `name` a string, `arguments` absent or an object of strings. */
function promptParams(params: Params): ParamsVerdict {
  const name = requiredString(params, 'name');
  if (name !== FINE) return name;
  const args = params.arguments;
  if (args === undefined) return FINE;
  if (!isPlainObject(args)) return refuse('arguments must be an object of strings');
  for (const [key, value] of Object.entries(args))
    if (typeof value !== 'string') return refuse(`arguments.${key} must be a string`);
  return FINE;
}

/**
 * initialize: refused when `protocolVersion`, `capabilities` or `clientInfo` (its name, title
 * and version) have the wrong type; answered only with a supported version and a clientInfo of
 * exactly those keys (anything more, the SDK judges).
 */
function initializeParams(params: Params): ParamsVerdict {
  const { protocolVersion, capabilities, clientInfo } = params;
  if (typeof protocolVersion !== 'string') return refuse('protocolVersion must be a string');
  if (!isPlainObject(capabilities)) return refuse('capabilities must be an object');
  if (!isPlainObject(clientInfo)) return refuse('clientInfo must be an object');
  if (typeof clientInfo.name !== 'string') return refuse('clientInfo.name must be a string');
  if (clientInfo.title !== undefined && typeof clientInfo.title !== 'string')
    return refuse('clientInfo.title must be a string');
  if (typeof clientInfo.version !== 'string') return refuse('clientInfo.version must be a string');
  return SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion) && isName(clientInfo) ? FINE : HAND_ON;
}

/** The methods whose schema requires params (absent ones are refused, as the SDK's schema does). */
const PARAMS_REQUIRED: ReadonlySet<string> = new Set([
  'initialize',
  'prompts/get',
  'resources/read',
  'logging/setLevel',
]);

/** The spec's LoggingLevel (RFC 5424 severities), which logging/setLevel's `level` must be one of. */
const LOGGING_LEVELS: ReadonlySet<unknown> = new Set([
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
]);

/** The message of a refusal, the same from the core and at an instance's door (params-first.ts). */
export const invalidParamsMessage = (method: string, refusal: string) =>
  `Invalid params for ${method}: ${refusal}`;

/**
 * The params of each method of the core's table (fast-envelope.ts says which keys it may
 * carry); `undefined` when the request has none.
 */
export function paramsVerdict(method: string, params: Params | undefined): ParamsVerdict {
  if (params === undefined)
    return PARAMS_REQUIRED.has(method) ? refuse('params are required') : paramsVerdict(method, {});
  switch (method) {
    case 'tools/call':
      // Anything unusual is handed on: the SDK's own tools/call refusals are already -32602.
      return typeof params.name === 'string' &&
        (params.arguments === undefined || isPlainObject(params.arguments))
        ? FINE
        : HAND_ON;
    case 'tools/list':
    case 'prompts/list':
    case 'resources/list':
    case 'resources/templates/list':
      return optionalString(params, 'cursor');
    case 'resources/read':
      return requiredString(params, 'uri');
    case 'prompts/get':
      return promptParams(params);
    case 'initialize':
      return initializeParams(params);
    case 'logging/setLevel':
      return LOGGING_LEVELS.has(params.level)
        ? FINE
        : refuse(`level must be one of ${[...LOGGING_LEVELS].join(', ')}`);
    default:
      return FINE;
  }
}
