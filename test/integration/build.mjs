// Bundles the integration suite (index.ts = mocha's run() entry, *.test.ts, helpers)
// into out/test/integration/suite/ for the extension host: node, CommonJS, one file per
// entry so index.js can find *.test.js at run time. `vscode` is provided by the extension
// host; `mocha` stays external so it resolves from the repo's node_modules (one copy,
// and its globals are the ones the test files see).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const suiteDir = join(here, 'suite');
const outdir = join(root, 'out/test/integration/suite');

// index.ts plus every *.test.ts; helper modules are bundled into whoever imports them.
const entryPoints = readdirSync(suiteDir)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(suiteDir, f));

rmSync(outdir, { recursive: true, force: true }); // no stale *.test.js from deleted tests
await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  // For debuggers; the extension host's own Error.prepareStackTrace keeps the logged
  // stack traces on the .js lines.
  sourcemap: 'inline',
  logLevel: 'warning',
});
console.log(`[integration build] ${entryPoints.length} entries -> ${outdir.slice(root.length + 1)}`);
