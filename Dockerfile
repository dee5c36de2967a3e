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
ENV NODE_ENV=production \
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
