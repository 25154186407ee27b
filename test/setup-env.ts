// The machine (and CI) run with CI=true and maybe a proxy: nothing the tool reads may leak in.
for (const name of Object.keys(process.env)) {
  if (/^(CI|GITLAB_|REGISTRY_CLEANER_)|^(https?|no|all)_proxy$/i.test(name) || name === 'CI') {
    delete process.env[name];
  }
}
