# Cascade: one image for the server, the migration job and the simulator.
# Build: docker build -t cascade .      Run: docker compose up (docker-compose.yml), or deploy/k8s.
# Multi-stage: dependencies and the Next.js build happen at build time; the final stage runs as the
# unprivileged `node` user and downloads nothing at run time (the ONNX classifier, the built-in
# embedders and the wordlists are in the image).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# onnxruntime-node's optional GPU download is skipped (.npmrc); the CPU runtime ships in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc ./
COPY scripts/prisma-generate.mjs scripts/prisma-generate.mjs
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN node scripts/prisma-generate.mjs \
 && node node_modules/next/dist/bin/next build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 CASCADE_DATA_DIR=/var/lib/cascade
# tini reaps children and forwards SIGTERM, so the server drains instead of being killed.
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/cascade && chown node:node /var/lib/cascade
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
# Runs the TypeScript server with tsx (a runtime dependency); no build step at start (npm start would
# check for a stale build, which an image never has).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "server.ts"]
