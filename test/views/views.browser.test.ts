import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { build } from 'esbuild';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWS } from '../../src/views/registry.js';
import type { TestHostApi } from '../../views/test-host-api.js';
import { launchChromium } from '../oauth/support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Each MCP Apps view hosted the way a host does it: the HTML read from the server's `ui://`
 * resource, served from a sandbox origin with the CSP its `_meta.ui.csp` asks for (the spec's
 * construction), in a sandboxed iframe, connected through the extension's own AppBridge, fed the
 * real result of the real tool over the demo tenant. Checked as a person sees it (text and
 * numbers), in light and dark, at 360 and 1280 px, by axe-core, and with no request off the page.
 * Screenshots are kept in test-artifacts/views/.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'views');
const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** The host page's window: views/test-host.ts's API, and axe-core once injected. */
type HostWindow = TestHostApi & {
  axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
};

interface UiResource {
  uri: string;
  mimeType?: string;
  text?: string;
  _meta?: { ui?: { csp?: Record<string, string[] | undefined> } };
}

/** The CSP a host builds from `_meta.ui.csp` (SEP-1865 §Security: CSP construction). */
function cspOf(csp: Record<string, string[] | undefined> = {}): string {
  const list = (key: string) => (csp[key] ?? []).join(' ');
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${list('resourceDomains')}`,
    `style-src 'self' 'unsafe-inline' ${list('resourceDomains')}`,
    `connect-src 'self' ${list('connectDomains')}`,
    `img-src 'self' data: ${list('resourceDomains')}`,
    `font-src 'self' ${list('resourceDomains')}`,
    `media-src 'self' data: ${list('resourceDomains')}`,
    `frame-src ${list('frameDomains') || "'none'"}`,
    "object-src 'none'",
    `base-uri ${list('baseUriDomains') || "'self'"}`,
  ].join('; ');
}

describe('MCP Apps views in Chromium, hosted through the extension’s AppBridge', () => {
  let server: TestServer;
  let client: Client;
  let browser: Browser;
  let host: Server;
  let port = 0;
  const views = new Map<string, UiResource>();
  const offPage: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      env: { WORKONWARD_MCP_RECIPIENT_ALLOWLIST: '@summitridge\\.example$' },
    });
    // A host declares the extension (views-negotiation.ts links the tools for it).
    client = new Client(
      { name: 'views-host', version: '1.0.0' },
      {
        capabilities: {
          extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } },
        },
      },
    );
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.url)));
    for (const view of VIEWS) {
      const read = await client.readResource({ uri: view.uri });
      views.set(view.name, read.contents[0] as UiResource);
    }
    const hostScript = (
      await build({
        entryPoints: [path.join(ROOT, 'views/test-host.ts')],
        bundle: true,
        format: 'iife',
        platform: 'browser',
        write: false,
        logLevel: 'silent',
      })
    ).outputFiles[0]?.text;
    // One port, two origins: the host page on 127.0.0.1, the views on localhost (the sandbox origin).
    host = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const view = views.get(url.pathname.replace('/view/', ''));
      if (url.pathname === '/host') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(
          `<!doctype html><html lang="en"><title>host</title><body></body><script>${hostScript}</script></html>`,
        );
      } else if (view?.text !== undefined) {
        response.writeHead(200, {
          'content-type': 'text/html',
          'content-security-policy': cspOf(view._meta?.ui?.csp),
        });
        response.end(view.text);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    port = (host.address() as { port: number }).port;
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser.close();
    host.close();
    await client.close();
    await server.stop();
  });

  /** Renders `view` with the real result of `tool(args)`; returns the view's frame. */
  async function show(
    page: Page,
    view: string,
    tool: string,
    args: Record<string, unknown>,
    theme: 'light' | 'dark',
  ) {
    const result = await client.callTool({ name: tool, arguments: args });
    await page.evaluate(
      ({ src, args: a, result: r, theme: t }) => (globalThis as unknown as HostWindow).hostView(src, a, r, t),
      {
        src: `http://localhost:${port}/view/${view}`,
        args,
        result,
        theme,
      },
    );
    const frame = page.frames().find((f) => f.url().includes(`/view/${view}`));
    if (frame === undefined) throw new Error(`no frame for ${view}`);
    await frame.waitForSelector('h1');
    return frame;
  }

  async function openHost(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['127.0.0.1', 'localhost'].includes(url.hostname) || url.port !== String(port))
        offPage.push(request.url());
    });
    await page.exposeFunction(
      'callServerTool',
      (params: { name: string; arguments?: Record<string, unknown> }) => client.callTool(params),
    );
    await page.goto(`http://127.0.0.1:${port}/host`);
    return page;
  }

  async function accessibility(frame: Frame) {
    await frame.evaluate(AXE);
    const violations = await frame.evaluate(async () => {
      const axe = (globalThis as unknown as HostWindow).axe;
      return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
    });
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  }

  async function snap(page: Page, name: string) {
    const element = await page.$('iframe');
    await element?.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }

  it('serves every view as text/html;profile=mcp-app with a CSP that allows no network, linked from its tool', async () => {
    const { tools } = await client.listTools();
    const linked = Object.fromEntries(
      tools.flatMap((t) => {
        const uri = (t._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;
        return uri === undefined ? [] : [[t.name, uri]];
      }),
    );
    expect(linked).toEqual({
      'projects.list': 'ui://workonward/project-brief.html',
      'bids.list': 'ui://workonward/bid-pipeline.html',
      'bids.get': 'ui://workonward/bid-detail.html',
      preview_send: 'ui://workonward/send-preview.html',
    });
    const sizes: Record<string, number> = {};
    for (const [name, view] of views) {
      expect(view.mimeType).toBe('text/html;profile=mcp-app');
      expect(view._meta?.ui?.csp).toEqual({
        connectDomains: [],
        resourceDomains: [],
        frameDomains: [],
        baseUriDomains: [],
      });
      expect(view.text).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
      sizes[name] = Buffer.byteLength(view.text ?? '');
    }
    writeFileSync(path.join(ARTIFACTS, 'sizes.json'), JSON.stringify(sizes, null, 2));
    for (const size of Object.values(sizes)) expect(size).toBeLessThan(20_000);
  });

  for (const width of [1280, 360])
    for (const theme of ['light', 'dark'] as const)
      it(`shows each view as a person reads it at ${width} px, ${theme}`, async () => {
        const page = await openHost(width);
        const brief = await show(page, 'project-brief', 'projects.list', { status: 'active' }, theme);
        expect(await brief.textContent('main')).toContain('4 of 4 projects');
        expect(await brief.textContent('tbody')).toContain('Clearwater Plaza Lofts');
        expect(await brief.textContent('tbody')).toContain('Clearwater Property Group');
        await brief.selectOption('#sort', 'value');
        const first = await brief.textContent('tbody tr:first-child td:first-child strong');
        expect(first).toBeTruthy();
        await accessibility(brief);
        await snap(page, `project-brief-${width}-${theme}`);

        const pipeline = await show(page, 'bid-pipeline', 'bids.list', {}, theme);
        expect(await pipeline.textContent('[role=status]')).toContain('#129, #123, #124');
        expect(await pipeline.textContent('main')).toContain('30 days in negotiation');
        await accessibility(pipeline);
        await snap(page, `bid-pipeline-${width}-${theme}`);

        const detail = await show(page, 'bid-detail', 'bids.get', { bid: '#123' }, theme);
        expect(await detail.textContent('h1')).toContain('#123');
        expect(await detail.textContent('main')).toContain('negotiation');
        await accessibility(detail);
        await snap(page, `bid-detail-${width}-${theme}`);

        const preview = await show(
          page,
          'send-preview',
          'preview_send',
          {
            to: ['alex@summitridge.example'],
            subject: 'Bid #123 follow-up',
            text: 'Hello Jane,\nfollowing up on bid #123.',
          },
          theme,
        );
        expect(await preview.textContent('main')).toContain('Bid #123 follow-up');
        expect(await preview.textContent('main')).toContain('alex@summitridge.example');
        expect(await preview.textContent('main')).toContain('Ready to send');
        await accessibility(preview);
        await snap(page, `send-preview-${width}-${theme}`);
        // Readable at this width: nothing wider than the viewport.
        expect(
          await preview.evaluate(
            () =>
              (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
                .documentElement.scrollWidth,
          ),
        ).toBeLessThanOrEqual(width);
        await page.close();
        expect(offPage).toEqual([]);
      }, 120_000);

  it('adds a note from the bid view through the host: shown first, made only after Confirm', async () => {
    const page = await openHost(1280);
    const detail = await show(page, 'bid-detail', 'bids.get', { bid: '#125' }, 'light');
    await detail.fill('#note', 'Asked for revised numbers.');
    await detail.click('form[aria-label="Add a note"] button');
    await detail.waitForSelector('text=Confirm this change');
    const before = await client.callTool({ name: 'bids.get', arguments: { bid: '#125' } });
    expect(JSON.stringify(before.structuredContent)).not.toContain('Asked for revised numbers.');
    await detail.click('text=Confirm this change');
    await detail.waitForSelector('text=Done');
    const after = await client.callTool({ name: 'bids.get', arguments: { bid: '#125' } });
    expect(JSON.stringify(after.structuredContent)).toContain('Asked for revised numbers.');
    expect(await page.evaluate(() => (globalThis as unknown as HostWindow).hostLog)).toEqual([
      'tools/call bids.add_note',
      'tools/call bids.add_note',
    ]);
    await page.close();
  }, 120_000);
});
