import { describe, expect, it } from 'vitest';
import { acceptableRedirectUri } from '../../src/oauth/redirect-uris.js';

/** Issue 9, finding 7: ChatGPT look-alike hosts are refused; hosts must already be normal. */
describe('redirect URI hosts are compared after normalisation', () => {
  it.each([
    'https://chatgpt.com./connector_platform_oauth_redirect',
    'https://chatgpt.com./connector/oauth/abc',
    'https://chatgpt%2Ecom/connector_platform_oauth_redirect',
    'https://chatgpt\uff0ecom/connector_platform_oauth_redirect',
    'https://chatgpt\u3002com/connector/oauth/abc',
    'https://example.com./cb',
    // Not byte-identical to ChatGPT's documented callback, so refused like any other variant.
    'https://CHATGPT.com/connector_platform_oauth_redirect',
  ])('refuses %s', (uri) => {
    expect(acceptableRedirectUri(uri)).toBe(false);
  });

  it.each([
    'https://chatgpt.com/connector_platform_oauth_redirect',
    'https://chatgpt.com/connector/oauth/abc_123',
    'https://client.example/cb',
    'http://127.0.0.1:8765/callback',
  ])('accepts %s', (uri) => {
    expect(acceptableRedirectUri(uri)).toBe(true);
  });
});
