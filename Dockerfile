# One image, role by command: `evidence up` (API, ingest, reviewer page), `evidence worker` (background jobs),
# `evidence migrate`. Sources run through tsx; only the reviewer page is built ahead.
FROM node:20.20-bookworm-slim AS page
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json vite.config.ts ./
COPY api/web ./api/web
# The page shares the byte formatting of core/bytes.ts (pure, no Node imports).
COPY core/bytes.ts ./core/bytes.ts
# ... and calls the API through the typed client generated from its document.
COPY api/client ./api/client
RUN npm run build:web

FROM node:20.20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY core ./core
COPY schema ./schema
COPY ingest ./ingest
COPY api ./api
COPY dock-agent ./dock-agent
COPY transcode ./transcode
COPY export ./export
COPY cli ./cli
COPY tsconfig.json ./
COPY --from=page /app/dist/web ./dist/web

ENV NODE_ENV=production \
    EVIDENCE_HOME=/var/lib/evidence \
    EVIDENCE_HOST=0.0.0.0 \
    EVIDENCE_PORT=8080
RUN mkdir -p /var/lib/evidence && chown node:node /var/lib/evidence
USER node
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/evidence.js"]
CMD ["up"]
