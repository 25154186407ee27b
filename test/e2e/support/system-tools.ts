// Programs some end-to-end tests need from the machine, beyond Node and npm: git and rsync for
// gitlab-ci-local, buildah and a static busybox (and root) for the image test. On a machine without
// them those tests are skipped, with one line that says what to install. .ci/run installs them and
// sets TESTS_REQUIRE_SYSTEM_TOOLS=1, under which a missing tool fails the test file instead: CI must
// never pass by skipping.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const REQUIRE_TOOLS_VARIABLE = 'TESTS_REQUIRE_SYSTEM_TOOLS';

export interface SystemTool {
  /** what is missing, as the message names it */
  name: string;
  /** the Debian package that brings it, or what else to do */
  remedy: { package: string } | { otherwise: string };
  present: () => boolean;
}

const onPath =
  (command: string, args: string[] = ['--version']) =>
  () =>
    spawnSync(command, args, { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } })
      .status === 0;

export const GIT: SystemTool = { name: 'git', remedy: { package: 'git' }, present: onPath('git') };
export const RSYNC: SystemTool = { name: 'rsync', remedy: { package: 'rsync' }, present: onPath('rsync') };
export const BUILDAH: SystemTool = {
  name: 'buildah',
  remedy: { package: 'buildah' },
  // vfs storage works everywhere, also inside containers (no overlay mounts)
  present: () =>
    spawnSync('buildah', ['--version'], {
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STORAGE_DRIVER: 'vfs' },
    }).status === 0,
};
export const BUSYBOX: SystemTool = {
  name: '/bin/busybox',
  remedy: { package: 'busybox-static' },
  present: () => existsSync('/bin/busybox'),
};
export const ROOT: SystemTool = {
  name: 'root',
  remedy: { otherwise: 'run them as root (buildah with vfs storage and chroot isolation)' },
  present: () => process.getuid?.() === 0,
};

const warned = new Set<string>();

/**
 * Why tests needing `tools` cannot run here, or undefined when they can. The reason is printed once
 * per test file. Under TESTS_REQUIRE_SYSTEM_TOOLS=1 a missing tool throws, which fails the file.
 */
export function missingSystemTools(what: string, tools: readonly SystemTool[]): string | undefined {
  const missing = tools.filter((tool) => !tool.present());
  if (missing.length === 0) return undefined;
  const packages = missing.flatMap((tool) => ('package' in tool.remedy ? [tool.remedy.package] : []));
  const remedies = [
    ...(packages.length > 0 ? [`apt-get install ${packages.join(' ')}`] : []),
    ...missing.flatMap((tool) => ('otherwise' in tool.remedy ? [tool.remedy.otherwise] : [])),
  ];
  const reason = `${what} need ${missing.map((tool) => tool.name).join(', ')}: ${remedies.join('; ')}`;
  if (process.env[REQUIRE_TOOLS_VARIABLE] === '1') {
    throw new Error(`${reason} (${REQUIRE_TOOLS_VARIABLE}=1: missing tools fail instead of skipping)`);
  }
  if (!warned.has(reason)) {
    warned.add(reason);
    console.warn(`skipped: ${reason}`);
  }
  return reason;
}
