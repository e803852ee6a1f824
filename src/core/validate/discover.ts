/** Golden sets that sit next to a model, for Test Explorer discovery (no decoding, no running). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DiscoveredGolden {
  /** Path to hand to openGoldenSet / validateModel. */
  path: string;
  /** Why it belongs to this model. */
  why: 'backend-layout' | 'manifest' | 'same-name';
}

function readJson(p: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Next to `model`: `test_data_set_N/` folders when the model is the folder's `model.onnx` (or its only
 * .onnx), manifests (`*.json` with "format": "onnx-lab-golden") whose `model` names this file, and
 * `STEM.npz`, `STEM.golden.json`, `STEM.golden/`, `STEM_golden/` for `STEM.onnx`.
 */
export function discoverGoldens(model: string): DiscoveredGolden[] {
  const dir = path.dirname(model);
  const base = path.basename(model);
  const stem = base.replace(/\.onnx$/i, '');
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
  const found: DiscoveredGolden[] = [];
  const onnxFiles = entries.filter((e) => e.toLowerCase().endsWith('.onnx'));
  if ((base === 'model.onnx' || onnxFiles.length === 1) && entries.some((e) => /^test_data_set_\d+$/.test(e))) found.push({ path: dir, why: 'backend-layout' });
  for (const e of entries) {
    const p = path.join(dir, e);
    if (e.endsWith('.json')) {
      const doc = readJson(p) as { format?: string; model?: string } | undefined;
      if (doc?.format === 'onnx-lab-golden' && typeof doc.model === 'string' && path.resolve(dir, doc.model) === path.resolve(model)) {
        found.push({ path: p, why: 'manifest' });
        continue;
      }
    }
    if ([`${stem}.npz`, `${stem}.golden.json`, `${stem}.golden`, `${stem}_golden`].includes(e) && !found.some((f) => f.path === p)) found.push({ path: p, why: 'same-name' });
  }
  // Manifests in sub-folders that point back at this model (e.g. goldens/golden.json with "model": "../m.onnx").
  for (const e of entries) {
    const sub = path.join(dir, e);
    if (!fs.statSync(sub, { throwIfNoEntry: false })?.isDirectory()) continue;
    const manifest = path.join(sub, 'golden.json');
    const doc = readJson(manifest) as { format?: string; model?: string } | undefined;
    // A folder already found by name is the same set as its manifest: list it once.
    if (found.some((f) => f.path === sub)) continue;
    if (doc?.format === 'onnx-lab-golden' && typeof doc.model === 'string' && path.resolve(sub, doc.model) === path.resolve(model)) found.push({ path: manifest, why: 'manifest' });
  }
  return found;
}
