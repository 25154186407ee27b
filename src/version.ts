// Set by the bundler from package.json (scripts/build.ts); source runs (tests) see the fallback.
declare const REGISTRY_CLEANER_VERSION: string | undefined;

export const VERSION: string =
  typeof REGISTRY_CLEANER_VERSION === 'string' ? REGISTRY_CLEANER_VERSION : '0.0.0-dev';
