// A project's container registry cleanup policy (app/models/container_expiration_policy.rb), as
// GET /projects/:id shows it under `container_expiration_policy`.
import { parseDuration } from './duration.ts';
import type { Project } from './model.ts';
import { compileUntrustedRegexp } from './untrusted-regexp.ts';

/**
 * ContainerExpirationPolicy.cadence_options, keep_n_options and older_than_options ('60d' was
 * added in 14.4, "Add option of 60 days to container image expiration policy").
 */
export const CADENCES = ['1d', '7d', '14d', '1month', '3month'] as const;
export const KEEP_N_VALUES = [1, 5, 10, 25, 50, 100] as const;
export const OLDER_THAN_VALUES = ['7d', '14d', '30d', '60d', '90d'] as const;

export type Cadence = (typeof CADENCES)[number];
export type KeepN = (typeof KEEP_N_VALUES)[number];
export type OlderThan = (typeof OLDER_THAN_VALUES)[number];

export interface CleanupPolicy {
  enabled: boolean;
  cadence: Cadence;
  /** Null: keep_n is not set (the model allows nil). */
  keepN: KeepN | null;
  olderThan: OlderThan | null;
  nameRegex: string | null;
  nameRegexKeep: string | null;
  /** Set from the cadence when the policy is enabled (Schedulable#set_next_run_at). */
  nextRunAt: Date | null;
}

/** What a test leaves out when it first sets a policy (the sandbox's choice, not GitLab's). */
const DEFAULT_POLICY: Omit<CleanupPolicy, 'nextRunAt'> = {
  enabled: false,
  cadence: '1d',
  keepN: 10,
  olderThan: '90d',
  nameRegex: '.*',
  nameRegexKeep: null,
};

/**
 * Policies by project. A project without a row has no `container_expiration_policy` field at all
 * (the project entity exposes it `if: project.container_expiration_policy`).
 */
export class CleanupPolicyStore {
  private readonly clock: () => Date;
  private readonly policies = new Map<number, CleanupPolicy>();

  constructor(clock: () => Date) {
    this.clock = clock;
  }

  /** Creates or replaces the policy; validates like the model's `validates` (throws on bad values). */
  set(project: Project, changes: Partial<Omit<CleanupPolicy, 'nextRunAt'>>): CleanupPolicy {
    const base = this.policies.get(project.id) ?? { ...DEFAULT_POLICY, nextRunAt: null };
    const policy: CleanupPolicy = { ...base, ...changes };
    validate(policy);
    const seconds = parseDuration(policy.cadence) ?? 0;
    policy.nextRunAt = policy.enabled ? new Date(this.clock().getTime() + seconds * 1000) : null;
    this.policies.set(project.id, policy);
    return policy;
  }

  get(project: Project): CleanupPolicy | undefined {
    return this.policies.get(project.id);
  }

  remove(project: Project): void {
    this.policies.delete(project.id);
  }
}

function validate(policy: CleanupPolicy): void {
  if (!(CADENCES as readonly string[]).includes(policy.cadence)) {
    throw new Error(`cadence must be one of ${CADENCES.join(', ')}`);
  }
  if (policy.keepN !== null && !(KEEP_N_VALUES as readonly number[]).includes(policy.keepN)) {
    throw new Error(`keep_n must be one of ${KEEP_N_VALUES.join(', ')}`);
  }
  if (policy.olderThan !== null && !(OLDER_THAN_VALUES as readonly string[]).includes(policy.olderThan)) {
    throw new Error(`older_than must be one of ${OLDER_THAN_VALUES.join(', ')}`);
  }
  // `validates :name_regex, untrusted_regexp: true, if: :enabled?` (and name_regex_keep).
  if (!policy.enabled) return;
  for (const regex of [policy.nameRegex, policy.nameRegexKeep]) {
    if (regex !== null && !compileUntrustedRegexp(regex)) throw new Error(`invalid RE2 regex: ${regex}`);
  }
}
