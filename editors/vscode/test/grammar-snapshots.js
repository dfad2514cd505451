// TextMate grammar tests, run by CI (.ci/run) and by hand with `npm run test:grammar`:
// 1. assertion tests: test/grammar/*.vbc state the scope of chosen tokens (vscode-tmgrammar-test);
// 2. snapshot tests: every example contract (contracts/**/*.vbc and tests/lsp/sample.vbc) is tokenized and compared
//    with its snapshot in test/baselines/NAME.vbc.snap (vscode-tmgrammar-snap). The examples are copied here first,
//    because the tool keeps each snapshot beside its source. Accept changes with VBC_ACCEPT_GOLDENS=1, then review
//    the diff of test/baselines/ as for every golden file.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const here = path.resolve(__dirname, '..');
const root = path.resolve(here, '..', '..');
const baselines = path.join(here, 'test', 'baselines');
const grammar = path.join(here, 'syntaxes', 'vbc.tmLanguage.json');
const accept = process.env.VBC_ACCEPT_GOLDENS === '1';

function examples(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? examples(full) : entry.name.endsWith('.vbc') ? [full] : [];
  });
}

const sources = [...examples(path.join(root, 'contracts')), path.join(root, 'tests', 'lsp', 'sample.vbc')].sort();
const copies = new Set();
for (const source of sources) {
  // contracts/mssp-tracks/basic-a-b.vbc -> contracts--mssp-tracks--basic-a-b.vbc
  const name = path.relative(root, source).split(path.sep).join('--');
  fs.copyFileSync(source, path.join(baselines, name));
  copies.add(name);
}
// A snapshot whose example is gone is stale: remove it when accepting, fail otherwise.
let stale = [];
for (const file of fs.readdirSync(baselines)) {
  if (file.endsWith('.vbc.snap') && !copies.has(file.slice(0, -'.snap'.length))) {
    stale.push(file);
  }
}
if (stale.length > 0 && accept) {
  stale.forEach(file => fs.unlinkSync(path.join(baselines, file)));
  stale = [];
}

const bin = name => path.join(here, 'node_modules', '.bin', name);
function run(tool, args) {
  console.log(`$ ${tool} ${args.join(' ')}`);
  const result = spawnSync(bin(tool), args, { cwd: here, stdio: 'inherit' });
  return result.status === 0;
}

let ok = run('vscode-tmgrammar-test', ['-g', grammar, 'test/grammar/*.vbc']);
const missing = [...copies].filter(name => !fs.existsSync(path.join(baselines, name + '.snap')));
if (missing.length > 0 && !accept) {
  console.error(`No snapshot yet for: ${missing.join(', ')}. Run VBC_ACCEPT_GOLDENS=1 npm run test:grammar, then review test/baselines/.`);
  ok = false;
}
ok = run('vscode-tmgrammar-snap', ['-g', grammar, ...(accept ? ['--updateSnapshot'] : []), 'test/baselines/*.vbc']) && ok;
if (stale.length > 0) {
  console.error(`Stale snapshots (their example is gone): ${stale.join(', ')}. Run with VBC_ACCEPT_GOLDENS=1 to remove them.`);
  ok = false;
}
if (!ok && !accept) {
  console.error('Grammar tests failed. If the new tokens are right, accept them with: cd editors/vscode && VBC_ACCEPT_GOLDENS=1 npm run test:grammar; then review git diff editors/vscode/test/baselines.');
}
console.log(ok ? `Grammar tests passed: assertions, and snapshots of ${copies.size} example contracts.` : 'Grammar tests FAILED.');
process.exit(ok ? 0 : 1);
