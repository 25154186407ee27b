// Collapsible sections in GitLab job logs:
// https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections

export function sectionStart(id: string, title: string, nowSeconds: number, collapsed = true): string {
  return `\x1b[0Ksection_start:${nowSeconds}:${sectionId(id)}${collapsed ? '[collapsed=true]' : ''}\r\x1b[0K${title}`;
}

export function sectionEnd(id: string, nowSeconds: number): string {
  return `\x1b[0Ksection_end:${nowSeconds}:${sectionId(id)}\r\x1b[0K`;
}

/** Section names may hold letters, digits, _ . and - only. */
function sectionId(id: string): string {
  return id.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 100);
}
