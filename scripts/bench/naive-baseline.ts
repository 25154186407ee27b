// The naive baseline, run by the bench as a child process: what a typical cleanup script does.
// REST with a personal access token; list every repository's tags (offset pages of 100), then fire
// one details GET per tag, all at once, decide, and fire one DELETE per doomed tag, all at once.
// No concurrency bound, no pacing, no retry: a failed request is a failure (an unknown age keeps
// the tag). Prints a JSON summary on stdout.
//
//   GITLAB_TOKEN=… node naive-baseline.ts <api url> <project id> <older than days> <keep latest>

const [apiUrl, projectId, olderThanDays, keepLatest] = process.argv.slice(2);
const token = process.env.GITLAB_TOKEN ?? '';
const headers = { 'PRIVATE-TOKEN': token };
const cutoff = Date.now() - Number(olderThanDays) * 86_400_000;
const failures: Record<string, number> = {};

function fail(what: string, status: number | string): undefined {
  const key = `${what} ${status}`;
  failures[key] = (failures[key] ?? 0) + 1;
  return undefined;
}

async function getJson(url: string, what: string): Promise<{ body: unknown; next: string } | undefined> {
  try {
    const response = await fetch(url, { headers });
    if (!response.ok) return fail(what, response.status);
    return { body: await response.json(), next: response.headers.get('x-next-page') ?? '' };
  } catch (error) {
    return fail(what, (error as Error).name);
  }
}

async function listTags(repositoryId: number): Promise<string[]> {
  const names: string[] = [];
  for (let page = '1'; page !== ''; ) {
    const url = `${apiUrl}/projects/${projectId}/registry/repositories/${repositoryId}/tags?per_page=100&page=${page}`;
    const answer = await getJson(url, 'list tags');
    if (!answer) break;
    for (const tag of answer.body as { name: string }[]) names.push(tag.name);
    page = answer.next;
  }
  return names;
}

const tagUrl = (repositoryId: number, name: string) =>
  `${apiUrl}/projects/${projectId}/registry/repositories/${repositoryId}/tags/${encodeURIComponent(name)}`;

const repositories = ((
  await getJson(`${apiUrl}/projects/${projectId}/registry/repositories?per_page=100`, 'list repositories')
)?.body ?? []) as { id: number }[];
const listed = await Promise.all(repositories.map(async (r) => ({ id: r.id, names: await listTags(r.id) })));

// Every details request at once.
const detailed = await Promise.all(
  listed.flatMap((repository) =>
    repository.names.map(async (name) => {
      const answer = await getJson(tagUrl(repository.id, name), 'details');
      const createdAt = (answer?.body as { created_at?: string } | undefined)?.created_at;
      return { repositoryId: repository.id, name, at: createdAt ? Date.parse(createdAt) : undefined };
    }),
  ),
);

// Per repository: keep `latest` and the newest `keepLatest` of the dated tags; delete older ones.
const doomed: { repositoryId: number; name: string }[] = [];
for (const repository of listed) {
  const dated = detailed
    .filter((tag) => tag.repositoryId === repository.id && tag.name !== 'latest' && tag.at !== undefined)
    .sort((a, b) => (b.at as number) - (a.at as number));
  for (const tag of dated.slice(Number(keepLatest))) if ((tag.at as number) < cutoff) doomed.push(tag);
}

// Every delete at once.
const deleted = await Promise.all(
  doomed.map(async (tag) => {
    try {
      const response = await fetch(tagUrl(tag.repositoryId, tag.name), { method: 'DELETE', headers });
      await response.arrayBuffer();
      return response.ok ? true : fail('delete', response.status);
    } catch (error) {
      return fail('delete', (error as Error).name);
    }
  }),
);

process.stdout.write(
  `${JSON.stringify({
    tagsListed: detailed.length,
    dated: detailed.filter((tag) => tag.at !== undefined).length,
    planned: doomed.length,
    deleted: deleted.filter(Boolean).length,
    failures,
  })}\n`,
);
