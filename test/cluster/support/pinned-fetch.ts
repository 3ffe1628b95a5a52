/**
 * Re-routes the test process's requests for the balancer's origin to one chosen instance, so a
 * flow's steps can be forced onto different instances while every URL, cookie and Origin header
 * stays the public one (the issuer). `pin(undefined)` sends them through the balancer again.
 */
export interface PinnedFetch {
  pin(instanceUrl: string | undefined): void;
  restore(): void;
}

export function pinnedFetch(balancerUrl: string): PinnedFetch {
  const original = globalThis.fetch;
  let target: string | undefined;
  globalThis.fetch = (input, init) => {
    if (target === undefined || input instanceof Request) return original(input, init);
    const url = new URL(input);
    if (url.origin !== balancerUrl) return original(input, init);
    return original(new URL(`${url.pathname}${url.search}`, target), init);
  };
  return {
    pin(instanceUrl) {
      target = instanceUrl;
    },
    restore() {
      globalThis.fetch = original;
    },
  };
}
