#!/bin/sh
# The image's entrypoint: a registry-cleaner command given to the image runs registry-cleaner,
# anything else runs as given.
#   docker run IMAGE prune …                       registry-cleaner prune …
#   docker run IMAGE --version   (or no arguments)  registry-cleaner --version   (--help)
#   docker run IMAGE registry-cleaner prune …      as given
#   GitLab Runner: IMAGE sh -c '<shell detection>'  as given: job scripts get their shell
# The commands are src/cli.ts's; test/e2e/image.test.ts checks that every one of them is here.
[ $# -gt 0 ] || set -- --help
case "$1" in
  delete-tag | prune | -*) set -- registry-cleaner "$@" ;;
esac
exec "$@"
