# One image for every Palisade service of docker-compose.yml (detector API, detector worker, dashboard,
# demo collector): `npm ci` installs and builds everything, as on a laptop.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 NX_DAEMON=false NX_NO_CLOUD=true npm_config_nodedir=/usr/local
COPY . .
RUN npm ci && npm cache clean --force

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PALISADE_HOME=/data
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
CMD ["node", "apps/detector/bin/palisade-detector.js", "serve"]
