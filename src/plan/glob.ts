// Repository globs, relative to the project path: '.' is the root repository, '*' one path
// segment, '**' any number of segments, '?' one character. Registry paths are lower-case.

export interface RepositoryGlob {
  pattern: string;
  test(name: string): boolean;
}

const VALID = /^(\.|[a-z0-9*?][a-z0-9._*?/-]*)$/;

export function compileGlob(pattern: string): RepositoryGlob | { error: string } {
  const lower = pattern.trim().toLowerCase().replace(/^\.\//, '').replace(/\/+$/, '');
  if (lower === '' || lower === '.') return { pattern: '.', test: (name) => name === '' };
  if (!VALID.test(lower) || lower.includes('//')) {
    return {
      error:
        "is not a repository glob: use a path below the project ('api', 'tools/*', '**'), or '.' for the root",
    };
  }
  let source = '';
  for (let i = 0; i < lower.length; i++) {
    const char = lower[i] as string;
    if (char === '*' && lower[i + 1] === '*') {
      // '**/' also matches no segment at all: 'a/**/b' matches 'a/b'
      if (lower[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.]/g, '\\.');
  }
  const regex = new RegExp(`^${source}$`);
  // '**' means every repository, the root included.
  return { pattern: lower, test: (name) => (name === '' ? lower === '**' : regex.test(name)) };
}
