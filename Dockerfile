# ECHO API image. Runs against an external PostgreSQL: set DATABASE_URL and JWT_SECRET.
# Build: docker build -t echo-api .   Run: docker run -p 8084:8084 -e DATABASE_URL=... -e JWT_SECRET=... echo-api
# Node 24, a supported LTS line; the code needs ^20.19 || >=22.12 (README "Runtime").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=8084
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8084
# Migrations run at start-up under an advisory lock, so instances starting together migrate once.
CMD ["node", "dist/src/main.js"]
