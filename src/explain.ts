// The lines people read about failures, with what to do about them. Errors from gitlab/ carry data
// (src/failure.ts); only this module knows the flags and variables a user can change, so the advice
// for a failure is written once, here. main.ts uses it for the final error line; reports use it
// for the reasons they show.

import { RegistryCleanerError } from './errors.ts';
import type { Failure, NetworkCause, ProxyRef, Service, TokenRef } from './failure.ts';

/** The line for an error: worded from its Failure when it has one, else its message. */
export function explain(error: unknown): string {
  if (error instanceof RegistryCleanerError && error.failure) return explainFailure(error.failure);
  return error instanceof Error ? error.message : String(error);
}

const ROOT_URL_ADVICE =
  'set --gitlab-url to the GitLab root URL (as in CI_SERVER_URL, e.g. https://gitlab.example.com)';

export function explainFailure(failure: Failure): string {
  switch (failure.kind) {
    case 'unreachable':
      return (
        `cannot reach ${serverName(failure.service)} at ${failure.origin}: ${describeCause(failure.cause)} (${attempts(failure.attempts)}); ` +
        `check ${failure.service === 'gitlab' ? '--gitlab-url, ' : ''}the network and HTTPS_PROXY/NO_PROXY, or raise --timeout/--retries`
      );
    case 'proxy-unreachable':
      return (
        `cannot reach the proxy ${failure.proxy.origin} (${failure.proxy.variable}) for ${failure.origin}: ${describeCause(failure.cause)} (${attempts(failure.attempts)}); ` +
        `check ${failure.proxy.variable}, or add the ${failure.service === 'gitlab' ? 'GitLab' : 'registry'} host to NO_PROXY if it is to be reached directly`
      );
    case 'proxy-auth':
      return `${proxyName(failure.proxy)} answered 407 Proxy Authentication Required: check the user and password in ${failure.proxy?.variable ?? 'HTTPS_PROXY/HTTP_PROXY'} (http://user:password@host:port)`;
    case 'proxy-refused':
      return `${proxyName(failure.proxy)} refused to connect to ${failure.host}${failure.status ? ` (HTTP ${failure.status})` : ''}: check the proxy's rules, or add the host to NO_PROXY if it is to be reached directly`;
    case 'tls-untrusted':
      return (
        `TLS: ${failure.host} presented a certificate this machine does not trust (${failure.code}); ` +
        'pass --ca-file <your CA bundle (PEM)> or set NODE_EXTRA_CA_CERTS (verification is never turned off)' +
        (failure.service === 'registry'
          ? `; or, to leave the container registry's API aside, set REGISTRY_CLEANER_REGISTRY_URL=none`
          : '')
      );
    case 'tls-wrong-name':
      return failure.service === 'gitlab'
        ? `TLS: the certificate of ${failure.host} is not valid for that name; use the host name the certificate was issued for in --gitlab-url`
        : `TLS: the certificate of the container registry ${failure.host} is not valid for that name; ask the GitLab administrators to fix the registry's certificate or address`;
    case 'tls-expired':
      return `TLS: the certificate of ${failure.host} has expired; ask the GitLab administrators to renew it`;
    case 'unknown-host':
      return failure.service === 'gitlab'
        ? `cannot resolve ${failure.hostname}: check --gitlab-url (or CI_API_V4_URL / CI_SERVER_URL)`
        : `cannot resolve the container registry's host ${failure.hostname} (as GitLab names it): check the network's DNS`;
    case 'network':
      return `cannot ${failure.action}: ${failure.code ? `${failure.code}: ` : ''}${failure.detail}; check ${failure.service === 'gitlab' ? '--gitlab-url, ' : ''}the network and HTTPS_PROXY/NO_PROXY`;
    case 'wait-too-long':
      return failure.status
        ? `${serverTitle(failure.service)} asked to wait ${seconds(failure.waitMs)} s before trying again to ${failure.action} (HTTP ${failure.status}); run again later, or let it wait longer with --max-wait (now ${duration(failure.maxWaitMs)})`
        : `${serverTitle(failure.service)}'s rate limit allows the next request to ${failure.action} in ${seconds(failure.waitMs)} s, more than --max-wait ${duration(failure.maxWaitMs)}; run again later, or raise --max-wait`;
    case 'kept-failing':
      return `${serverTitle(failure.service)} kept failing to ${failure.action} (HTTP ${failure.status} after ${attempts(failure.attempts)}): try again later`;
    case 'redirect':
      return (
        `${serverTitle(failure.service)} answered with a redirect${failure.location ? ` to ${failure.location}` : ''} (HTTP ${failure.status}) when asked to ${failure.action}: ` +
        `the URL ${failure.url} is not the GitLab API; ${ROOT_URL_ADVICE}`
      );
    case 'project-moved':
      return `GitLab says the project moved to ${failure.to} (HTTP ${failure.status}): use its new path or its numeric id in --project`;
    case 'web-page':
      return `${failure.url} answered with a web page, not the GitLab API: ${ROOT_URL_ADVICE}`;
    case 'oversized':
      return `${failure.url} answered with more than ${Math.round(failure.limitBytes / 1024 / 1024)} MB: that is not the GitLab API (check --gitlab-url and proxies)`;
    case 'not-a-list':
      return `cannot ${failure.action}: GitLab answered with something other than a list; check --gitlab-url and proxies`;
    case 'not-graphql':
      return `cannot ${failure.action}: ${failure.url} answered with something other than a GraphQL response; check --gitlab-url (or CI_API_GRAPHQL_URL) and proxies`;
    case 'page-loop':
      return `cannot ${failure.action}: GitLab's next page is one already read (a caching proxy, or a GitLab bug); run again, and if it persists bypass any caching proxy`;
    case 'unfollowable-link':
      return `GitLab's link to the next page cannot be followed: ${failure.link}`;
    case 'token-rejected':
      return failure.token.kind === 'job'
        ? `GitLab rejected ${tokenName(failure.token)} trying to ${failure.action} (401 ${said(failure.message, 401)}): a job token is valid only while its job runs and only for its own project's registry; use a project access token (api scope) in REGISTRY_CLEANER_TOKEN`
        : `GitLab rejected ${tokenName(failure.token)} trying to ${failure.action} (401 ${said(failure.message, 401)}): the token is unknown, expired or revoked; create a new one with the api scope`;
    case 'insufficient-scope':
      return `${tokenName(failure.token)} lacks the scope to ${failure.action} (403 insufficient_scope): create the token with the api scope`;
    case 'job-token-other-project':
      return `${tokenName(failure.token)} works only on the registry of its job's own project (403) and cannot ${failure.action}: use a project or group access token with the api scope`;
    case 'forbidden':
      return `GitLab refused to ${failure.action} (403 ${said(failure.message, 403)}): the token's user needs at least the Reporter role to list and the Developer role to delete tags`;
    case 'not-found': {
      const message = said(failure.message, 404);
      return `GitLab cannot find what we need to ${failure.action} (404 ${message}): check ${/group/i.test(message) ? '--group' : '--project'} and that the token's user is a member`;
    }
    case 'gone':
      return `cannot ${failure.action}: GitLab no longer has it (404 Not found)`;
    case 'graphql-not-allowed':
      return `GitLab's GraphQL API refused to ${failure.action} (${failure.message}): the token needs the api scope and at least the Developer role`;
    case 'graphql-error':
      return `GitLab's GraphQL API could not ${failure.action}: ${failure.message}; run again later, and if it persists ask the GitLab administrators`;
    case 'refused':
      return `GitLab refused to ${failure.action} (HTTP ${failure.status}: ${said(failure.message, failure.status)})`;
    case 'malformed':
      return `cannot ${failure.action}: GitLab answered with ${failure.what}; check --gitlab-url and proxies, and if it persists ask the GitLab administrators`;
    case 'list-cut-short':
      return `GitLab stopped answering the request to ${failure.action} at page ${failure.page} (was it deleted meanwhile?); run again`;
    case 'listed-empty':
      return `GitLab listed no tags in ${failure.repository} but counts ${failure.count}: its registry did not answer (GitLab turns registry errors into empty lists), so nothing was deleted there; run again later`;
    case 'absence-unconfirmed':
      return `cannot tell whether ${failure.tag} is still in ${failure.repository}: GitLab lists no tags there but counts ${failure.count} (its registry did not answer); run again later`;
    case 'deployments-refused':
      return `${unknownDeployments(failure.project)}: GitLab refused to ${failure.action} (${failure.status} ${said(failure.message, failure.status)}); the token's user needs the Reporter role there (and the project its Environments feature), or turn this protection off with --allow-deleting-deployed-images`;
    case 'deployments-malformed':
      return `${unknownDeployments(failure.project)}: GitLab's answer when asked to ${failure.action} is not what GitLab sends; check --gitlab-url and proxies`;
    case 'environments-changing':
      return `${unknownDeployments(failure.project)}: its ${failure.state} environments kept changing while they were read; run again`;
    case 'anonymous-view':
      return `cannot ${failure.action}: GitLab answered as to an anonymous user, without ${failure.missing} (a CI job token does not count there); use a personal, project or group access token (read_api scope) in REGISTRY_CLEANER_TOKEN`;
    case 'registry-answer':
      return `the container registry could not ${failure.action} (HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}); run again later, or set REGISTRY_CLEANER_REGISTRY_URL=none to use GitLab's API only`;
    case 'registry-token-rejected':
      return `the container registry rejected the token GitLab had just issued to ${failure.action} (401 invalid_token): GitLab and its registry disagree about tokens; ask the GitLab administrators, or set REGISTRY_CLEANER_REGISTRY_URL=none to use GitLab's API only`;
  }
}

function serverName(service: Service): string {
  return service === 'gitlab' ? 'GitLab' : 'the container registry';
}

function serverTitle(service: Service): string {
  return service === 'gitlab' ? 'GitLab' : 'The container registry';
}

function proxyName(proxy: ProxyRef | undefined): string {
  return proxy ? `the proxy ${proxy.origin} (${proxy.variable})` : 'the proxy';
}

function tokenName(token: TokenRef): string {
  return token.source.startsWith('--') ? `the ${token.source} token` : token.source;
}

/** GitLab's messages usually start with the status ("401 Unauthorized"): never say it twice. */
function said(message: string, status: number): string {
  return message.startsWith(String(status)) ? message.slice(String(status).length).trim() : message;
}

function describeCause(cause: NetworkCause): string {
  if ('timeoutMs' in cause) return `no answer within ${milliseconds(cause.timeoutMs)}`;
  return cause.code === 'UND_ERR_SOCKET' ? 'connection closed by the server' : cause.code;
}

function attempts(count: number): string {
  return `${count} attempt${count === 1 ? '' : 's'}`;
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

function milliseconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** As the user would write it for --max-wait: 90s, 5m, 1h. */
function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.ceil(ms / 1000)}s`;
}

function unknownDeployments(project: string): string {
  return `cannot tell which tags the environments of project ${project} run, so nothing there was deleted`;
}
