/**
 * The baseline: a raw `node:http` JSON-RPC echo server (parse the body, answer with the request's
 * params as the result). What any Node HTTP server pays before doing protocol or product work.
 */
import { serveJsonRpc } from './json-rpc-child.js';

serveJsonRpc((message) =>
  JSON.stringify({ jsonrpc: '2.0', id: message.id ?? null, result: message.params ?? {} }),
);
