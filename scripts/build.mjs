// One esbuild script for every bundle: extension host, kernel process, CLI (node/cjs) and the
// renderers/webviews (browser/esm). `--watch` rebuilds on change; `--minify` for packaging.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wallsPlugin } from './walls.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const common = {
  bundle: true,
  sourcemap: minify ? false : 'linked',
  minify,
  logLevel: 'warning',
  absWorkingDir: root,
  plugins: [wallsPlugin(root)],
  target: 'es2022',
};

// Native or host-provided modules stay outside the bundles; the VSIX carries them in node_modules.
const nodeExternals = ['vscode', 'onnxruntime-node', 'esbuild'];

export const targets = [
  { ...common, platform: 'node', format: 'cjs', external: nodeExternals,
    entryPoints: { extension: 'src/extension/main.ts', kernel: 'src/kernels/main.ts' }, outdir: 'dist' },
  { ...common, platform: 'node', format: 'cjs', external: nodeExternals,
    entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'esm',
    entryPoints: {
      'notebook-renderer': 'src/renderers/notebook-renderer.ts',
      'validation-report': 'src/renderers/validation-report.ts', 'model-editor': 'src/renderers/model-editor.ts',
      'netron-host': 'src/renderers/netron/main.ts',
    },
    outdir: 'dist/webview' },
];

/**
 * Netron's viewer files (dist/netron/) come from the pinned PyPI package, unpacked by
 * scripts/fetch-netron.sh (a no-op when dist/netron already matches the pin). Without them
 * (offline, no cached wheel) the build goes on and the "Open in Netron" view says that Netron is
 * not bundled and offers the built-in inspector.
 */
export function ensureNetron() {
  const r = spawnSync('bash', [path.join(root, 'scripts/fetch-netron.sh')], { cwd: root, stdio: 'inherit' });
  if (r.status === 0) return true;
  const kept = existsSync(path.join(root, 'dist/netron/view.js'));
  console.warn(kept
    ? 'warning: scripts/fetch-netron.sh failed; dist/netron was kept as it was.'
    : 'warning: Netron could not be fetched (scripts/fetch-netron.sh failed); "Open in Netron" will say it is not bundled.');
  return kept;
}

async function main() {
  ensureNetron();
  if (watch) {
    for (const t of targets) await (await esbuild.context(t)).watch();
    console.log('watching src/ ...');
    return;
  }
  const t0 = Date.now();
  await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(`built dist/ in ${Date.now() - t0} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch(() => process.exit(1));
}
