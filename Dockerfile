# registry-cleaner as a CI job image: node:24-alpine plus one bundled script, nothing else.
#
#   docker build --build-arg VERSION=$(node -p "require('./package.json').version") \
#     --build-arg REVISION=$(git rev-parse HEAD) -t registry-cleaner .
#
# The bundle is plain JavaScript, so the build stage runs on the build machine's platform and a
# multi-architecture build (amd64, arm64) only has to copy one file into each final image.

ARG NODE_IMAGE=node:24-alpine

FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the 'node' devDependency would download a second Node; the image has one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts scripts/
COPY scripts/build/ scripts/build/
COPY src/ src/
RUN node scripts/build.ts

FROM ${NODE_IMAGE}
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://gitlab.com/registry-cleaner/registry-cleaner
LABEL org.opencontainers.image.title="registry-cleaner" \
      org.opencontainers.image.description="Deletes GitLab container registry tags: stop jobs and retention sweeps" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}#readme" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
COPY --from=build --chmod=0755 /src/dist/registry-cleaner.mjs /usr/local/bin/registry-cleaner
USER node
WORKDIR /home/node
# A small young generation keeps large sweeps' memory down (README, Performance).
ENV NODE_OPTIONS="--max-semi-space-size=4"
# GitLab Runner runs job scripts through the image's shell: no entrypoint may stand in the way.
ENTRYPOINT []
CMD ["registry-cleaner", "--help"]
