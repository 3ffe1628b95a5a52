/**
 * What views/test-host.ts puts on the host page's window, and what test/views/views.browser.test.ts
 * calls there (through page.evaluate): one declaration for both sides.
 */
export interface TestHostApi {
  /** Exposed by the test from Node: a view's tools/call, answered by the real server. */
  callServerTool(params: unknown): Promise<unknown>;
  /** Renders the view at `src` as a host does and feeds it the tool's arguments and result. */
  hostView(
    src: string,
    args: Record<string, unknown>,
    result: unknown,
    theme: 'light' | 'dark',
  ): Promise<void>;
  /** What the view asked of the host, in order. */
  hostLog: string[];
}
