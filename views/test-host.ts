import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { TestHostApi } from './test-host-api.js';

/**
 * The host side of test/views/views.browser.test.ts (not a view; bundled by the test only): a page that renders a view the way an MCP Apps
 * host does — the view's HTML from its own origin in a sandboxed iframe, connected through the
 * extension's AppBridge over postMessage — and forwards the view's tools/call to the real server
 * (through `callServerTool`, which the test exposes from Node).
 */
declare global {
  // The window is where the test reaches the host (page.evaluate).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Window extends TestHostApi {}
}

window.hostLog = [];
window.hostView = async (src, args, result, theme) => {
  document.body.replaceChildren();
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-forms');
  iframe.title = 'MCP App view';
  iframe.style.cssText = 'border:0;width:100%;height:400px;display:block';
  iframe.src = src;
  document.body.append(iframe);
  // Listen before the view's script runs: its ui/initialize is the first thing it sends.
  const view = iframe.contentWindow;
  if (view === null) throw new Error('no view window');
  const bridge = new AppBridge(
    null,
    { name: 'workonward-test-host', version: '1.0.0' },
    { serverTools: {}, logging: {} },
    { hostContext: { theme, displayMode: 'inline', platform: 'web' } },
  );
  bridge.addEventListener('sizechange', ({ height }) => {
    if (height !== undefined) iframe.style.height = `${height}px`;
  });
  bridge.oncalltool = async (params) => {
    window.hostLog.push(`tools/call ${params.name}`);
    return (await window.callServerTool(params)) as never;
  };
  const initialized = new Promise<void>((resolve) => {
    bridge.addEventListener('initialized', () => {
      resolve();
    });
  });
  await bridge.connect(new PostMessageTransport(view, view));
  await initialized;
  await bridge.sendToolInput({ arguments: args });
  await bridge.sendToolResult(result as never);
};
