// CI_COMMIT_REF_SLUG as GitLab computes it (lib/gitlab/utils.rb `slugify`):
//   str.downcase.gsub(/[^a-z0-9]/, '-')[0..62].gsub(/(\A[-.]+|[-.]+\z)/, '')
// One '-' per character (no squeezing), truncated to 63 characters before trimming.

export function refSlug(ref: string): string {
  const characters = Array.from(ref.toLowerCase(), (character) =>
    /^[a-z0-9]$/.test(character) ? character : '-',
  );
  return characters
    .slice(0, 63)
    .join('')
    .replace(/^[-.]+|[-.]+$/g, '');
}
