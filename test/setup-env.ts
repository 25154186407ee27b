// The machine (and CI) run with CI=true and maybe a proxy: nothing the tool reads may leak in.
for (const name of Object.keys(process.env)) {
  if (/^(CI|GITLAB_|REGISTRY_CLEANER_)|^(https?|no|all)_proxy$/i.test(name) || name === 'CI') {
    delete process.env[name];
  }
}

// What bin.ts sets for the program: plan/regex.ts compiles user regexes with the `l` flag.
process.getBuiltinModule('node:v8').setFlagsFromString('--enable-experimental-regexp-engine');
