# One image, role by command: `evidence up` (API, ingest, reviewer page), `evidence worker` (background jobs),
# `evidence migrate`. The build stage compiles the server (dist/evidence.js and its chunks, source maps),
# the court export's verify.html and the reviewer page (dist/web); the image runs only that, on Node 24
# (LTS), with the production packages: no TypeScript sources, no tsx, no esbuild.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json vite.config.ts ./
COPY bin ./bin
COPY scripts ./scripts
COPY core ./core
COPY schema ./schema
COPY ingest ./ingest
COPY api ./api
COPY dock-agent ./dock-agent
COPY transcode ./transcode
COPY export ./export
COPY cli ./cli
RUN npm run build

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini libgcrypt20 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin/evidence.js ./bin/evidence.js
COPY --from=build /app/dist ./dist

# bin/evidence.js runs dist/evidence.js here: there are no sources, and NODE_ENV=production says so too.
ENV NODE_ENV=production \
    EVIDENCE_HOME=/var/lib/evidence \
    EVIDENCE_HOST=0.0.0.0 \
    EVIDENCE_PORT=8080
RUN mkdir -p /var/lib/evidence && chown node:node /var/lib/evidence
USER node
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/evidence.js"]
CMD ["up"]
