// prune's JSON report, streamed: the head (run and policies) at the start, one item per repository
// as it is done, the totals at the end. Field meanings are documented in docs/reports.md.

import type { Io } from '../io.ts';
import { refKey } from '../model.ts';
import type { Policy } from '../options/policy.ts';
import type { PruneOptions } from '../options/prune.ts';
import { VERSION } from '../version.ts';
import { REPORT_VERSION } from './common.ts';
import { fileSink, JsonDocument, type Sink } from './json-stream.ts';

/** The report on stdout (--output json) and/or in the --report file; undefined when neither. */
export function openPruneJson(options: PruneOptions, io: Io, now: Date): JsonDocument | undefined {
  const sinks: Sink[] = [];
  if (options.output.reportFile) sinks.push(fileSink(options.output.reportFile, io.redact));
  if (options.output.format === 'json')
    sinks.push({ write: (text) => io.stdout.write(text), close: () => {} });
  if (sinks.length === 0) return undefined;
  return new JsonDocument(
    sinks,
    {
      version: REPORT_VERSION,
      tool: 'registry-cleaner',
      toolVersion: VERSION,
      command: 'prune',
      dryRun: options.dryRun,
      gitlabUrl: options.connection.restUrl,
      now: now.toISOString(),
      ...(options.shard ? { shard: `${options.shard.index}/${options.shard.total}` } : {}),
      policies: options.policies.map(describePolicy),
    },
    'repositories',
  );
}

function describePolicy(policy: Policy) {
  const { rules } = policy;
  return {
    name: policy.name,
    projects: policy.projects.map(refKey),
    groups: policy.groups.map(refKey),
    repositories: policy.repositories?.map((glob) => glob.pattern) ?? 'all',
    // With the cleanup policy, `rules` holds only what the command adds to each project's policy.
    rulesSource: policy.cleanupPolicy ? 'cleanup-policy' : 'policy',
    rules: {
      ...(rules.match ? { match: rules.match.source } : {}),
      keep: rules.keep.map((pattern) => pattern.source),
      ...(rules.keepLatest === undefined ? {} : { keepLatest: rules.keepLatest }),
      ...(rules.olderThanMs === undefined ? {} : { olderThanSeconds: rules.olderThanMs / 1000 }),
      staleBranches: rules.staleBranches,
      deployedImages: rules.deployments
        ? {
            protected: true,
            tagTemplates: rules.deployments.templates.map((template) => template.source),
            keepDeployments: rules.deployments.keepDeployments,
          }
        : { protected: false },
    },
  };
}
