// Deletes through the container registry (a CI job token, whose registry token carries delete on its
// own project): one DELETE per tag, by name, with the registry's own answers — 202 deleted, 404
// "already gone" without a listing to confirm it, 401 PROTECTED_TAG / IMMUTABLE_TAG protected.
// Tags the registry will not take (deletes turned off: 405; no token; delete left out of it; a
// registry that never answers) go through GitLab as before.

import { mapConcurrent } from '../concurrency.ts';
import { AuthError, endsRun, RegistryCleanerError } from '../errors.ts';
import { explain } from '../explain.ts';
import type { GitLabApi } from '../gitlab/api.ts';
import { type ContainerRegistry, RegistryUnavailable } from '../gitlab/registry-client.ts';
import { deleteTagThroughRegistry, type RegistryDeleteAnswer } from '../gitlab/registry-delete.ts';
import { ALREADY_GONE, type DeleteTarget, type Execution, type TagResult } from '../model.ts';
import { executeDeletes } from './delete-tags.ts';

const PROTECTED_BY_REGISTRY: Record<string, string> = {
  PROTECTED_TAG: "protected by a tag protection rule above this token's role (registry: PROTECTED_TAG)",
  IMMUTABLE_TAG: 'immutable: a tag immutability rule keeps it (registry: IMMUTABLE_TAG)',
};

/** Whether this run deletes through the registry, where a repository was reached through it. */
export function deletesThroughRegistry(api: GitLabApi): boolean {
  return Boolean(api.registry?.deletes && !api.registry.deletesRefused);
}

export async function executeRegistryDeletes(
  api: GitLabApi,
  targets: readonly DeleteTarget[],
  concurrency: number,
): Promise<Execution> {
  const registry = api.registry as ContainerRegistry;
  // One token request for every repository of the run's targets.
  registry.tokens.prefetch(targets.map((target) => target.repository.path));
  let stoppedBy: Error | undefined;
  const throughGitLab: number[] = [];
  const results = await mapConcurrent(
    targets,
    Math.max(concurrency, registry.concurrency),
    async (target, index): Promise<TagResult | undefined> => {
      const base = { repository: target.repository, tag: target.tag };
      if (stoppedBy) return { ...base, outcome: 'failed', reason: `not tried: ${explain(stoppedBy)}` };
      // Wait for a slot before building the request: a request waiting its turn (several
      // repositories delete at once) would otherwise hold its makings the whole time.
      const release = await registry.slots.acquire();
      const usable = !registry.deletesRefused && registry.fallbackReason === undefined;
      const token = usable ? await registry.tokens.token(target.repository.path) : undefined;
      if (!token) {
        release();
        throughGitLab.push(index);
        return undefined;
      }
      try {
        const answer = await deleteTagThroughRegistry(registry, target.repository.path, target.tag);
        if (answer.kind === 'unsupported') registry.deletesRefused = true;
        const settled = settle(answer);
        if (!settled) throughGitLab.push(index);
        return settled && { ...base, ...settled };
      } catch (error) {
        // The registry never answered (a stop job's first DELETE): GitLab deletes the tags.
        if (error instanceof RegistryUnavailable) {
          throughGitLab.push(index);
          return undefined;
        }
        if (!(error instanceof RegistryCleanerError)) throw error;
        if (endsRun(error)) stoppedBy ??= error;
        return {
          ...base,
          outcome: error instanceof AuthError ? 'forbidden' : 'failed',
          reason: explain(error),
        };
      } finally {
        release();
      }
    },
  );
  if (throughGitLab.length === 0 || stoppedBy) return finish(results, targets, stoppedBy);
  throughGitLab.sort((a, b) => a - b);
  const followUp = await executeDeletes(
    api,
    throughGitLab.map((index) => targets[index] as DeleteTarget),
    concurrency,
  );
  throughGitLab.forEach((index, i) => {
    results[index] = followUp.results[i];
  });
  return finish(results, targets, followUp.stoppedBy);
}

/** What the registry's answer means for the tag; undefined: GitLab is to delete it. */
function settle(answer: RegistryDeleteAnswer): Omit<TagResult, 'repository' | 'tag'> | undefined {
  switch (answer.kind) {
    case 'deleted':
      return { outcome: 'deleted', status: answer.status };
    case 'absent':
      return { outcome: 'absent', status: answer.status, reason: ALREADY_GONE };
    case 'protected':
      return {
        outcome: 'protected',
        status: answer.status,
        reason: PROTECTED_BY_REGISTRY[answer.code] ?? `protected (registry: ${answer.code})`,
      };
    case 'unsupported':
    case 'not-allowed':
      return undefined;
  }
}

function finish(
  results: (TagResult | undefined)[],
  targets: readonly DeleteTarget[],
  stoppedBy: Error | undefined,
): Execution {
  const complete = results.map(
    (result, i): TagResult =>
      result ?? {
        repository: (targets[i] as DeleteTarget).repository,
        tag: (targets[i] as DeleteTarget).tag,
        outcome: 'failed',
        reason: `not tried: ${stoppedBy ? explain(stoppedBy) : 'the run stopped'}`,
      },
  );
  return stoppedBy ? { results: complete, stoppedBy } : { results: complete };
}
