import { createHash } from 'node:crypto';
import type {
  Branch,
  Group,
  JobToken,
  MergeRequest,
  MergeRequestState,
  PersonalToken,
  Project,
  Role,
  TokenScope,
  User,
  Visibility,
} from './model.ts';

/**
 * The GitLab side of the sandbox's state: users, groups, projects, memberships, tokens, branches
 * and merge requests. SandboxState adds the container registry and the rest.
 */
export class GitlabEntities {
  /** Source of every default timestamp; tests replace it to get exact dates. */
  clock: () => Date = () => new Date();

  protected readonly usersByName = new Map<string, User>();
  protected readonly groupsByPath = new Map<string, Group>();
  protected readonly projectsById = new Map<number, Project>();
  protected readonly projectsByPath = new Map<string, Project>();
  protected readonly projectMembers = new Map<number, Map<number, Role>>();
  protected readonly groupMembers = new Map<number, Map<number, Role>>();
  protected readonly personalTokens = new Map<string, PersonalToken>();
  protected readonly jobTokens = new Map<string, JobToken>();
  protected readonly branches = new Map<number, Map<string, Branch>>();
  protected readonly mergeRequestsByProject = new Map<number, MergeRequest[]>();
  protected nextUserId = 1;
  protected nextGroupId = 100;
  protected nextProjectId = 1;
  protected nextMergeRequestId = 1;
  protected nextTokenNumber = 1;

  addUser(username: string, opts: { admin?: boolean } = {}): User {
    if (this.usersByName.has(username)) throw new Error(`user ${username} exists`);
    const user: User = { id: this.nextUserId++, username, admin: opts.admin ?? false };
    this.usersByName.set(username, user);
    return user;
  }

  findUser(username: string): User | undefined {
    return this.usersByName.get(username);
  }

  addGroup(fullPath: string): Group {
    const existing = this.findGroup(fullPath);
    if (existing) return existing;
    const slash = fullPath.lastIndexOf('/');
    const parent = slash === -1 ? undefined : this.addGroup(fullPath.slice(0, slash));
    const path = fullPath.slice(slash + 1);
    const group: Group = {
      id: this.nextGroupId++,
      fullPath,
      path,
      name: path,
      parent,
      createdAt: this.clock(),
    };
    this.groupsByPath.set(fullPath.toLowerCase(), group);
    return group;
  }

  /** Case-insensitive, like Group.find_by_full_path. */
  findGroup(fullPath: string): Group | undefined {
    return this.groupsByPath.get(fullPath.toLowerCase());
  }

  findGroupById(id: number): Group | undefined {
    for (const group of this.groupsByPath.values()) if (group.id === id) return group;
    return undefined;
  }

  addProject(
    fullPath: string,
    opts: { defaultBranch?: string; visibility?: Visibility; id?: number } = {},
  ): Project {
    if (this.findProject(fullPath)) throw new Error(`project ${fullPath} exists`);
    const slash = fullPath.lastIndexOf('/');
    if (slash === -1) throw new Error('a project path needs a namespace, e.g. "acme/app"');
    const id = opts.id ?? this.nextProjectId;
    if (this.projectsById.has(id)) throw new Error(`project id ${id} is taken`);
    this.nextProjectId = Math.max(this.nextProjectId, id + 1);
    const path = fullPath.slice(slash + 1);
    const project: Project = {
      id,
      fullPath,
      path,
      name: path,
      namespace: this.addGroup(fullPath.slice(0, slash)),
      defaultBranch: opts.defaultBranch ?? 'main',
      visibility: opts.visibility ?? 'private',
      createdAt: this.clock(),
    };
    this.projectsById.set(id, project);
    this.projectsByPath.set(fullPath.toLowerCase(), project);
    this.addBranch(project, project.defaultBranch);
    return project;
  }

  /** Case-insensitive, like Project.find_by_full_path. */
  findProject(fullPath: string): Project | undefined {
    return this.projectsByPath.get(fullPath.toLowerCase());
  }

  findProjectById(id: number): Project | undefined {
    return this.projectsById.get(id);
  }

  projects(): Project[] {
    return Array.from(this.projectsById.values());
  }

  groups(): Group[] {
    return Array.from(this.groupsByPath.values());
  }

  addMember(target: Project | Group, user: User, role: Role): void {
    const members = 'namespace' in target ? this.projectMembers : this.groupMembers;
    const roles = members.get(target.id) ?? new Map<number, Role>();
    roles.set(user.id, role);
    members.set(target.id, roles);
  }

  /** Direct membership of `user` in `target` (no inheritance). */
  memberRole(target: Project | Group, user: User): Role | undefined {
    const members = 'namespace' in target ? this.projectMembers : this.groupMembers;
    return members.get(target.id)?.get(user.id);
  }

  addPersonalToken(
    user: User,
    opts: { scopes?: TokenScope[]; expired?: boolean; revoked?: boolean } = {},
  ): string {
    const value = `glpat-${this.tokenSuffix('pat')}`;
    this.personalTokens.set(value, {
      value,
      user,
      scopes: opts.scopes ?? ['api'],
      expired: opts.expired ?? false,
      revoked: opts.revoked ?? false,
    });
    return value;
  }

  findPersonalToken(value: string): PersonalToken | undefined {
    return this.personalTokens.get(value);
  }

  addJobToken(user: User, project: Project): string {
    const value = `glcbt-${this.tokenSuffix('job')}`;
    this.jobTokens.set(value, { value, user, project });
    return value;
  }

  findJobToken(value: string): JobToken | undefined {
    return this.jobTokens.get(value);
  }

  addBranch(project: Project, name: string): void {
    const branches = this.branches.get(project.id) ?? new Map<string, Branch>();
    if (!branches.has(name)) branches.set(name, { name, createdAt: this.clock() });
    this.branches.set(project.id, branches);
  }

  deleteBranch(project: Project, name: string): void {
    this.branches.get(project.id)?.delete(name);
  }

  branchesOf(project: Project): Branch[] {
    return Array.from(this.branches.get(project.id)?.values() ?? []);
  }

  addMergeRequest(
    project: Project,
    opts: { sourceBranch: string; targetBranch?: string; state?: MergeRequestState },
  ): MergeRequest {
    const list = this.mergeRequestsByProject.get(project.id) ?? [];
    const mergeRequest: MergeRequest = {
      id: this.nextMergeRequestId++,
      iid: list.length + 1,
      project,
      sourceBranch: opts.sourceBranch,
      targetBranch: opts.targetBranch ?? project.defaultBranch,
      state: opts.state ?? 'opened',
      createdAt: this.clock(),
    };
    list.push(mergeRequest);
    this.mergeRequestsByProject.set(project.id, list);
    return mergeRequest;
  }

  mergeRequestsOf(project: Project): MergeRequest[] {
    return [...(this.mergeRequestsByProject.get(project.id) ?? [])];
  }

  protected tokenSuffix(kind: string): string {
    return createHash('sha256')
      .update(`${kind}:${this.nextTokenNumber++}`)
      .digest('base64url')
      .slice(0, 20);
  }
}
