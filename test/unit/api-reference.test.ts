import assert from 'node:assert/strict';
import os from 'node:os';
import { createNotebookApi } from '../../src/kernels/api';
import { API_REFERENCE } from '../../src/kernels/api-reference';

function members(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const name = prefix ? `${prefix}.${k}` : k;
    return typeof v === 'function' ? [name] : [name, ...members(v as object, name)];
  });
}

describe('notebook API reference (completion and hover in cells)', () => {
  it('names exactly the members of the API cells get', () => {
    const api = createNotebookApi(os.tmpdir());
    assert.deepEqual(API_REFERENCE.map((m) => m.name).sort(), members(api).sort());
  });

  it('marks namespaces and documents every member', () => {
    const api = createNotebookApi(os.tmpdir()) as unknown as Record<string, unknown>;
    for (const m of API_REFERENCE) {
      const value = m.name.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], api);
      assert.equal(!!m.namespace, typeof value !== 'function', m.name);
      assert.ok(m.doc.length > 20 && m.signature.length > 0, m.name);
    }
  });
});
