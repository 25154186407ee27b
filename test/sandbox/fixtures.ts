// Builders shared by the sandbox's own conformance tests.
import type { Project, Repository, User } from './model.ts';
import { SandboxState } from './state.ts';

export const FIXED_NOW = new Date('2024-06-01T12:00:00.000Z');

export interface Team {
  state: SandboxState;
  project: Project;
  otherProject: Project;
  repository: Repository;
  users: Record<'guest' | 'reporter' | 'developer' | 'maintainer' | 'outsider' | 'admin', User>;
  /** An `api` personal access token per user. */
  tokens: Record<'guest' | 'reporter' | 'developer' | 'maintainer' | 'outsider' | 'admin', string>;
}

/** Acme/Web-App (private) with one member per role, a second project, and one root repository. */
export function buildTeam(): Team {
  const state = new SandboxState();
  state.clock = () => new Date(FIXED_NOW);
  const project = state.addProject('Acme/Web-App');
  const otherProject = state.addProject('acme/other');
  const users = {
    guest: state.addUser('guest'),
    reporter: state.addUser('reporter'),
    developer: state.addUser('developer'),
    maintainer: state.addUser('maintainer'),
    outsider: state.addUser('outsider'),
    admin: state.addUser('root', { admin: true }),
  };
  state.addMember(project, users.guest, 'guest');
  state.addMember(project, users.reporter, 'reporter');
  state.addMember(project, users.developer, 'developer');
  state.addMember(project.namespace, users.maintainer, 'maintainer');
  state.addMember(otherProject, users.outsider, 'maintainer');
  const tokens = {
    guest: state.addPersonalToken(users.guest),
    reporter: state.addPersonalToken(users.reporter),
    developer: state.addPersonalToken(users.developer),
    maintainer: state.addPersonalToken(users.maintainer),
    outsider: state.addPersonalToken(users.outsider),
    admin: state.addPersonalToken(users.admin),
  };
  return { state, project, otherProject, repository: state.addRepository(project), users, tokens };
}

/** Pushes `count` tags named `<prefix><index padded>` one minute apart, oldest first. */
export function pushMany(state: SandboxState, repository: Repository, count: number, prefix = 'tag-'): void {
  const width = String(count - 1).length;
  const start = state.clock().getTime() - count * 60_000;
  for (let index = 0; index < count; index++) {
    state.pushTag(repository, `${prefix}${String(index).padStart(width, '0')}`, {
      at: new Date(start + index * 60_000),
    });
  }
}

export function withToken(token: string): { headers: Record<string, string> } {
  return { headers: { 'PRIVATE-TOKEN': token } };
}

export async function graphql(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string; path?: string[] }[] };
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}
