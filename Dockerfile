# workonward-mcp on Node 22 LTS: built in one stage, run in another as a non-root user with a
# read-only root filesystem (compose.yaml sets read_only and a tmpfs for /tmp). See docs/operations.md.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm ci` runs `prepare` (the TypeScript build) and installs better-sqlite3's binary for Node 22.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    WORKONWARD_ENV=production \
    WORKONWARD_MCP_TRANSPORT=http \
    WORKONWARD_MCP_AUTH=oauth \
    WORKONWARD_MCP_HOST=0.0.0.0 \
    WORKONWARD_MCP_PORT=8787 \
    WORKONWARD_MCP_BEHIND_PROXY=1 \
    WORKONWARD_MCP_DRAIN_MS=3000 \
    WORKONWARD_DATA_DIR=/data \
    MALLOC_ARENA_MAX=2
# MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's compiler and GC helpers, libuv's
# pool, the WAL checkpoint thread) an arena of its own, up to 8 per core, and each keeps the memory
# it once held; two arenas keep ~8-9 MB less resident after load at the same CPU per request and
# p99 (bench/README.md, issue 8 ninth pass). bench/node-flags.ts gives it to every bench child too.
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# The image's own `node` user (uid 1000); nothing in /app is writable by it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8787
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=2s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8787/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM reaches node directly (exec form): /readyz turns 503, the balancer drains, then exit 0.
STOPSIGNAL SIGTERM
# Young-generation GC sized for a server whose requests leave almost nothing alive (~20 KB survive
# a scavenge): 8 MB semi-spaces (V8's default grows to 16 MB; two of them) keep ~15 MB less
# resident, and a scavenge done on the main thread alone does not wait for helper threads that a
# busy host has not scheduled (parallel scavenges paused the server ~3× longer per request on the
# shared benchmark VM). bench/run.ts starts its servers with these same flags. See docs/operations.md.
CMD ["node", "--max-semi-space-size=8", "--no-parallel-scavenge", "dist/src/main.js", "serve"]
