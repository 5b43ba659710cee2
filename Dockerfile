# syntax=docker/dockerfile:1
# One image per service, same recipe for all of them:
#   docker build --build-arg SERVICE=payments -t express-quote/payments .
# SERVICE is a folder of services/. The image holds that service, the workspace packages it imports and its
# production dependencies, nothing else; it runs `node src/main.ts` (Node 24 strips the types, no build step)
# as the unprivileged `node` user and listens on PORT (8080 in every image).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build arg SERVICE is required, e.g. --build-arg SERVICE=payments" >&2; exit 1; }
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0
WORKDIR /repo
# pnpm at the version of package.json's packageManager field, then every production package of the lockfile
# into the store: this layer only changes with the lockfile.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN corepack enable && corepack install && pnpm fetch --prod
COPY . .
RUN test -f "services/${SERVICE}/src/main.ts" || { echo "services/${SERVICE}/src/main.ts not found" >&2; exit 1; }
# `deploy` copies the service and its production dependencies, at the lockfile's versions, into /out: workspace
# packages injected (copied, not linked: /out stands alone), third-party ones in a flat node_modules (hoisted).
RUN pnpm --filter "@express-quote/${SERVICE}" --config.inject-workspace-packages=true \
      deploy --prod --offline --config.node-linker=hoisted /out
# Node refuses to strip types from files under node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), and
# our workspace packages are TypeScript: move them to /out/workspace and leave symlinks, as in the repository.
# Their own dependencies stay hoisted in /out/node_modules, which resolution reaches from /out/workspace.
RUN cd /out \
  && mkdir workspace \
  && for dir in node_modules/@express-quote/*; do \
       name="${dir##*/}"; mv "${dir}" "workspace/${name}" && ln -s "../../workspace/${name}" "${dir}" || exit 1; \
     done \
  && nested="$(find node_modules -path '*/node_modules/@express-quote/*' -type d -prune -print)" \
  && { [ -z "${nested}" ] || { echo "workspace packages left under node_modules: ${nested}" >&2; exit 1; }; } \
  && rm -rf test bench workspace/*/test workspace/*/bench
# Smoke test of the image's module graph: with no configuration, main.ts must load every module (ESM links the
# whole graph before running anything) and stop on the configuration check, not on a missing module.
RUN cd /out \
  && { env -i PATH="${PATH}" node src/main.ts >/tmp/smoke.log 2>&1; echo "exit $?" >>/tmp/smoke.log; } \
  && grep -q 'invalid configuration' /tmp/smoke.log && grep -q '^exit 1$' /tmp/smoke.log \
  || { cat /tmp/smoke.log >&2; echo "the service does not load in the image" >&2; exit 1; }

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    PORT=8080
LABEL org.opencontainers.image.title="express-quote ${SERVICE}"
WORKDIR /app
# Owned by root, read by `node`: the process cannot rewrite its own code.
COPY --from=build /out /app
USER node
EXPOSE 8080
# /healthz answers while the process runs; readiness (/readyz: NATS and Postgres) is the orchestrator's probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# runService drains on SIGTERM within SHUTDOWN_TIMEOUT_MS: give it that long (docker stop -t, k8s grace period).
STOPSIGNAL SIGTERM
CMD ["node", "src/main.ts"]
