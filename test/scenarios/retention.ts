// A registry that looks like real CI use: per project, repositories holding semver release tags,
// branch tags ($CI_COMMIT_REF_SLUG) and commit tags (short SHAs), pushed over the last 90 days,
// with some tags sharing an image. Deterministic for a seed. Used by e2e tests, the demo and the
// benchmark.

import type { Project, Repository, SandboxState, User } from '../sandbox/index.ts';
import { mulberry32 } from '../sandbox/random.ts';

export const DAY_MS = 86_400_000;

export interface RetentionWorld {
  projects: Project[];
  repositories: Repository[];
  user: User;
  maintainer: User;
  personalToken: string;
  /** job tokens by project id */
  jobTokens: Map<number, string>;
  /** branches that exist, per project id (their tags must survive --stale-branches) */
  liveBranches: Map<number, string[]>;
}

export interface RetentionShape {
  projects: number;
  repositories: number;
  tags: number;
  days?: number;
  seed?: number;
}

const BRANCH_WORDS = ['login', 'search', 'billing', 'cache', 'docs', 'api', 'ui', 'perf', 'auth', 'export'];

export function seedRetentionWorld(state: SandboxState, shape: RetentionShape): RetentionWorld {
  const next = mulberry32(shape.seed ?? 42);
  const days = shape.days ?? 90;
  const now = state.clock().getTime();
  const user = state.addUser('sweeper');
  const maintainer = state.addUser('keeper');
  const projects: Project[] = [];
  const repositories: Repository[] = [];
  const jobTokens = new Map<number, string>();
  const liveBranches = new Map<number, string[]>();
  for (let p = 0; p < shape.projects; p++) {
    const project = state.addProject(`Acme/Team-${p}/Service-${p}`);
    state.addMember(project, user, 'developer');
    state.addMember(project, maintainer, 'maintainer');
    projects.push(project);
    jobTokens.set(project.id, state.addJobToken(user, project));
    // Branch names whose slugs are tags; about half of them still exist.
    const live: string[] = ['main'];
    state.addBranch(project, 'main');
    for (const word of BRANCH_WORDS) {
      for (const prefix of ['feature', 'fix']) {
        if (next() < 0.5) {
          const branch = `${prefix}/${word.toUpperCase()}-${p}`;
          state.addBranch(project, branch);
          live.push(branch);
        }
      }
    }
    liveBranches.set(project.id, live);
  }
  const perRepository = Math.floor(shape.tags / shape.repositories);
  for (let r = 0; r < shape.repositories; r++) {
    const project = projects[r % projects.length] as Project;
    const isRoot = r < projects.length;
    const repository = isRoot ? state.addRepository(project) : state.addRepository(project, `component-${r}`);
    repositories.push(repository);
    const count =
      r === shape.repositories - 1 ? shape.tags - perRepository * (shape.repositories - 1) : perRepository;
    const names = new Set<string>();
    while (names.size < count) names.add(tagName(next, names.size, r % projects.length));
    let previousDigest: string | undefined;
    for (const name of names) {
      // Half-hour offsets: a whole-hour cut-off (14d, 36h) is never within 30 minutes of a tag,
      // so a test's "now" may drift by that much without changing any decision.
      const at = new Date(now - (Math.floor(next() * days * 24) + 0.5) * 3_600_000);
      // One tag in ten points at the image of the tag pushed before it (a release and its branch tag).
      const digest = previousDigest && next() < 0.1 ? previousDigest : undefined;
      const tag = state.pushTag(repository, name, {
        at,
        ...(digest ? { digest } : {}),
        sizeBytes: 10_000_000 + Math.floor(next() * 90_000_000),
      });
      previousDigest = tag.digest;
    }
  }
  return {
    projects,
    repositories,
    user,
    maintainer,
    personalToken: state.addPersonalToken(user),
    jobTokens,
    liveBranches,
  };
}

function tagName(next: () => number, index: number, project: number): string {
  const kind = next();
  if (index === 0) return 'latest';
  if (kind < 0.15) return `v${Math.floor(next() * 4)}.${Math.floor(next() * 20)}.${Math.floor(next() * 50)}`;
  if (kind < 0.2)
    return `v${Math.floor(next() * 4)}.${Math.floor(next() * 20)}.0-rc${Math.floor(next() * 5)}`;
  if (kind < 0.5) {
    const word = BRANCH_WORDS[Math.floor(next() * BRANCH_WORDS.length)] as string;
    return `${next() < 0.5 ? 'feature' : 'fix'}-${word}-${project}`;
  }
  return Math.floor(next() * 0xffffffff)
    .toString(16)
    .padStart(8, '0');
}
