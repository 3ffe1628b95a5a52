import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthClientProvider } from '@modelcontextprotocol/client';

type Tokens = Awaited<ReturnType<OAuthClientProvider['tokens']>>;
type ClientInfo = Awaited<ReturnType<OAuthClientProvider['clientInformation']>>;

/** A loopback redirect target like the ones native MCP clients open; resolves with the callback's query. */
export async function startCallbackServer() {
  let resolveNext: ((params: URLSearchParams) => void) | undefined;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<title>Connected</title><p>You can close this window.</p>');
    resolveNext?.(url.searchParams);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    next: () =>
      new Promise<URLSearchParams>((resolve) => {
        resolveNext = resolve;
      }),
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

/** The official SDK client's OAuth hooks, kept in memory like a native client would keep them on disk. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  protected savedTokens: Tokens;
  protected savedClient: ClientInfo;
  protected verifier = '';

  constructor(
    private readonly redirect: string,
    private readonly name: string,
    readonly clientMetadataUrl?: string,
  ) {}

  get redirectUrl() {
    return this.redirect;
  }

  get clientMetadata() {
    return {
      client_name: this.name,
      redirect_uris: [this.redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.savedClient;
  }

  saveClientInformation(info: NonNullable<ClientInfo>) {
    this.savedClient = info;
  }

  tokens() {
    return this.savedTokens;
  }

  saveTokens(tokens: NonNullable<Tokens>) {
    this.savedTokens = tokens;
  }

  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }

  codeVerifier() {
    return this.verifier;
  }
}
