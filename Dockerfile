# Builds the image that runs both the gateway (palisade) and the audit consumer (palisade-audit): dependencies from the lockfile, TypeScript compiled to dist/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY packages/ packages/
COPY audit-consumer/ audit-consumer/
COPY gateway/ gateway/
# npm ci runs the root prepare script (tsc -b); the explicit build makes a stale dist/ from the
# build context impossible to ship. Dev dependencies are only needed up to here.
RUN npm ci --no-audit --no-fund \
 && npx --no-install tsc -b \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-slim
# The heap limit the Helm chart sets too (gateway.heapLimitMiB): below about 2 GiB V8 collects
# garbage at 1.3-2x the live objects instead of up to 4x, so the resident size stays flat, and
# server.max_heap_ratio sheds load before the heap is full. Override NODE_OPTIONS to change it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=512 \
    PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
COPY --from=build /app /app
COPY bundles/ bundles/
COPY config/dev-keys/bundle-signing.pub.pem config/dev-keys/bundle-signing.pub.pem
# Keys and ledgers live in /data; a named volume mounted there inherits this ownership.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
CMD ["palisade", "serve", "--config", "/config/gateway.json"]
