/**
 * The view side of the MCP Apps bridge (io.modelcontextprotocol/ui, 2026-01-26): JSON-RPC over
 * postMessage with the host window. Hand-written on purpose: the SDK's App class bundles the MCP
 * SDK and zod (≈650 KB minified) into every view; this is the handful of messages a view needs.
 * The Chromium test runs it against the extension's own host-side AppBridge.
 */
export interface ToolResult {
  content?: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}
interface HostContext {
  theme?: 'light' | 'dark';
}
type Message = {
  jsonrpc?: string;
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code?: number; message?: string };
};

const PROTOCOL_VERSION = '2026-01-26';
let nextId = 1;
const waiting = new Map<
  number | string,
  { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }
>();
let onResult: (result: ToolResult) => void = () => undefined;

const post = (message: Message) => {
  // The host's origin is not known to a sandboxed view; the host checks the source of what it gets.
  window.parent.postMessage({ jsonrpc: '2.0', ...message }, '*');
};

function request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = nextId++;
  post({ id, method, params });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

function applyContext(context: HostContext | undefined) {
  if (context?.theme !== undefined) {
    document.documentElement.dataset.theme = context.theme;
    document.documentElement.style.colorScheme = context.theme;
  }
}

window.addEventListener('message', (event: MessageEvent<Message>) => {
  if (event.source !== window.parent) return;
  const message = event.data;
  if (message.jsonrpc !== '2.0') return;
  if (message.method === undefined && message.id !== undefined) {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) pending?.reject(new Error(message.error.message ?? 'Request failed'));
    else pending?.resolve(message.result ?? {});
    return;
  }
  if (message.method === 'ui/notifications/tool-result') onResult(message.params as ToolResult);
  else if (message.method === 'ui/notifications/host-context-changed') applyContext(message.params);
  else if (message.id !== undefined)
    // ping and ui/resource-teardown want an empty result; this view keeps no state to save.
    post(
      message.method === 'ping' || message.method === 'ui/resource-teardown'
        ? { id: message.id, result: {} }
        : { id: message.id, error: { code: -32601, message: 'Method not found' } },
    );
});

/** Completes the handshake; `render` gets every tool result the host sends. */
export async function connect(name: string, render: (result: ToolResult) => void): Promise<void> {
  onResult = render;
  const initialized = await request('ui/initialize', {
    appInfo: { name, version: '1.0.0' },
    appCapabilities: { availableDisplayModes: ['inline'] },
    protocolVersion: PROTOCOL_VERSION,
  });
  applyContext(initialized.hostContext as HostContext | undefined);
  post({ method: 'ui/notifications/initialized', params: {} });
  // Hosts size the frame to the content: report it whenever it changes.
  new ResizeObserver(() => {
    post({
      method: 'ui/notifications/size-changed',
      params: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
    });
  }).observe(document.body);
}

/** A tool call through the host, which applies its own confirmation before forwarding it. */
export async function callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return await request('tools/call', { name, arguments: args });
}
