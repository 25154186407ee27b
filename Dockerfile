# registry-cleaner as a CI job image: Node.js 26 (the Active LTS) on Alpine, without npm, yarn and
# corepack, plus one bundled script and the entrypoint image/entrypoint.sh.
#
#   docker build --build-arg NODE_IMAGE=docker.io/library/node:26-alpine@sha256:<digest> \
#     --build-arg VERSION=$(node -p "require('./package.json').version") \
#     --build-arg REVISION=$(git rev-parse HEAD) -t registry-cleaner .
#
# NODE_IMAGE is the base image. Give it by digest (name:tag@sha256:…): a tag moves, a digest does
# not, so the same sources and the same NODE_IMAGE build the same image. The default, a tag, is for
# trying the Dockerfile out; this project's pipeline resolves the tag to its digest (job
# image:base) and the image records what it was built on (org.opencontainers.image.base.name).
#
# Nothing runs in the target platform's filesystem: the build stage runs on the build machine's
# platform, builds the bundle, and assembles the final filesystem from the target platform's Node
# image minus npm, yarn and corepack. So a multi-architecture build (amd64, arm64) needs no
# emulation, and the files removed are gone, not hidden under a layer that deletes them.

ARG NODE_IMAGE=docker.io/library/node:26-alpine

# The target platform's Node image, only copied from.
FROM ${NODE_IMAGE} AS node

FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the 'node' devDependencies would download more Nodes; the image has one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts scripts/
COPY scripts/build/ scripts/build/
COPY src/ src/
RUN node scripts/build.ts
# COPY --from keeps owners and modes (Docker, BuildKit and buildah alike): /home/node stays node's.
COPY --from=node / /rootfs/
# Nothing in the image runs npm, npx, yarn or corepack, and their dependencies are what scanners
# report: the packages (node's global node_modules holds only them), yarn, and their commands.
RUN rm -rf /rootfs/usr/local/lib/node_modules /rootfs/opt/yarn-* \
    /rootfs/usr/local/bin/npm /rootfs/usr/local/bin/npx /rootfs/usr/local/bin/yarn \
    /rootfs/usr/local/bin/yarnpkg /rootfs/usr/local/bin/corepack

FROM scratch
ARG NODE_IMAGE
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=https://gitlab.com/registry-cleaner/registry-cleaner
COPY --from=build /rootfs/ /
COPY --from=build --chmod=0755 /src/dist/registry-cleaner.mjs /usr/local/bin/registry-cleaner
COPY --chmod=0755 image/entrypoint.sh /usr/local/bin/registry-cleaner-entrypoint
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL org.opencontainers.image.title="registry-cleaner" \
      org.opencontainers.image.description="Deletes GitLab container registry tags: stop jobs and retention sweeps" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="${SOURCE}" \
      org.opencontainers.image.documentation="${SOURCE}#readme" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
USER node
WORKDIR /home/node
# A small young generation keeps large sweeps' memory down (docs/performance.md).
ENV NODE_OPTIONS="--max-semi-space-size=4"
# `docker run IMAGE prune …` runs registry-cleaner; GitLab Runner starts the container with the
# image's entrypoint and its shell detection (sh -c …) as arguments, which run as given.
ENTRYPOINT ["/usr/local/bin/registry-cleaner-entrypoint"]
CMD ["--help"]
