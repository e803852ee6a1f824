import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, writeFile, rm, readdir, readFile } from 'node:fs/promises';
import * as esbuild from 'esbuild';
import { wallsPlugin, wallViolation } from '../../scripts/walls.mjs';

const ROOT = path.resolve(__dirname, '../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(p)));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('architecture walls', () => {
  it('every import in src/ respects the walls (type-only imports included)', async () => {
    const problems: string[] = [];
    for (const file of await sourceFiles(path.join(ROOT, 'src'))) {
      const text = await readFile(file, 'utf8');
      const specs = [
        ...text.matchAll(/^\s*import\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm),
        ...text.matchAll(/^\s*export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s*)?from\s+['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1]);
      for (const spec of specs) {
        const resolved = spec.startsWith('.') ? path.resolve(path.dirname(file), spec.replace(/\.js$/, '') + '.ts') : undefined;
        const why = wallViolation(file, spec, resolved, ROOT);
        if (why) problems.push(`${path.relative(ROOT, file)}: ${why}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the rules say no to vscode in core, onnxruntime outside runtime, and Node in renderers', () => {
    const f = (layer: string) => path.join(ROOT, 'src', layer, 'x.ts');
    assert.match(wallViolation(f('core'), 'vscode', undefined, ROOT)!, /may not import 'vscode'; only src\/extension may/);
    assert.match(wallViolation(f('pipelines'), 'onnxruntime-node', undefined, ROOT)!, /only src\/runtime may/);
    assert.match(wallViolation(f('renderers'), 'node:fs', undefined, ROOT)!, /browser/);
    assert.match(wallViolation(f('renderers'), '../core/errors', path.join(ROOT, 'src/core/errors.ts'), ROOT)!, /may not import src\/core/);
    assert.equal(wallViolation(f('extension'), 'vscode', undefined, ROOT), undefined);
    assert.equal(wallViolation(f('runtime'), 'onnxruntime-node', undefined, ROOT), undefined);
  });

  it('the build fails on a wrong import', async () => {
    // A throwaway layer folder under src/ so the real plugin judges it exactly as the build does.
    const dir = await mkdtemp(path.join(ROOT, 'src', 'core', '.wall-probe-'));
    try {
      const entry = path.join(dir, 'probe.ts');
      await writeFile(entry, "import * as vscode from 'vscode';\nexport const v = vscode.version;\n");
      await assert.rejects(
        esbuild.build({ entryPoints: [entry], bundle: true, write: false, platform: 'node', logLevel: 'silent', plugins: [wallsPlugin(ROOT)] }),
        (e: Error) => /architecture wall: src\/core may not import 'vscode'/.test(e.message),
      );
      await writeFile(entry, "import { OnnxLabError } from '../errors';\nexport const e = OnnxLabError;\n");
      const r = await esbuild.build({ entryPoints: [entry], bundle: true, write: false, platform: 'node', logLevel: 'silent', plugins: [wallsPlugin(ROOT)] });
      assert.equal(r.errors.length, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
