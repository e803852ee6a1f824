/**
 * Mutation fuzzing of the reader, summary, lint and text formatting: models from libonnx-testdata
 * with bit flips, byte overwrites, cuts, insertions, deletions, splices and varint bombs. Every
 * outcome must be a summary or an OnnxLabError; nothing else may be thrown and nothing may hang.
 * ONNX_FUZZ_N sets the number of mutants (default 10,000), ONNX_FUZZ_SEED the seed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { isOnnxLabError } from '../../src/core/errors';
import * as path from 'node:path';
import { formatSummaryText, lintModel, readModel, summarizeModel, summarizeModelBytes, summarizeModelFile } from '../../src/core/onnx';
import { DT, modelBytes, node, tempDir, tensor, testdataModels, valueInfo } from './onnx-fixtures';

/** xorshift32: reproducible without a dependency. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return { next, int: (n: number) => next() % Math.max(1, n), byte: () => next() & 0xff };
}

type Rng = ReturnType<typeof rng>;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const MUTATIONS: [string, (b: Uint8Array, r: Rng, other: Uint8Array) => Uint8Array][] = [
  [
    'bit-flip',
    (b, r) => {
      const out = b.slice();
      for (let k = 1 + r.int(8); k > 0; k--) out[r.int(out.length)] ^= 1 << r.int(8);
      return out;
    },
  ],
  [
    'byte-set',
    (b, r) => {
      const out = b.slice();
      const special = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x3a, 0x12];
      for (let k = 1 + r.int(4); k > 0; k--) out[r.int(out.length)] = r.int(2) ? r.byte() : special[r.int(special.length)];
      return out;
    },
  ],
  ['truncate', (b, r) => b.slice(0, r.int(b.length))],
  [
    'insert',
    (b, r) => {
      const at = r.int(b.length + 1);
      const ins = new Uint8Array(1 + r.int(16)).map(() => r.byte());
      return concat(b.subarray(0, at), ins, b.subarray(at));
    },
  ],
  [
    'delete',
    (b, r) => {
      const at = r.int(b.length);
      const n = 1 + r.int(Math.min(64, b.length - at));
      return concat(b.subarray(0, at), b.subarray(at + n));
    },
  ],
  [
    'splice',
    (b, r, other) => {
      const a = r.int(b.length);
      const o = r.int(other.length);
      return concat(b.subarray(0, a), other.subarray(o));
    },
  ],
  [
    'varint-bomb',
    (b, r) => {
      // A huge length or value where a varint was: 0xff... continuation bytes then a terminator.
      const at = r.int(b.length);
      const bomb = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01].slice(r.int(6));
      return concat(b.subarray(0, at), Uint8Array.from(bomb), b.subarray(at + 1 + r.int(3)));
    },
  ],
  [
    'duplicate',
    (b, r) => {
      const at = r.int(b.length);
      const n = 1 + r.int(Math.min(256, b.length - at));
      const chunk = b.subarray(at, at + n);
      return concat(b.subarray(0, at), chunk, chunk, b.subarray(at + n));
    },
  ],
];

function run(summarize: () => ReturnType<typeof summarizeModel>, i: number, name: string, crashes: string[]): string {
  try {
    const s = summarize();
    JSON.stringify(s);
    formatSummaryText(s);
    lintModel(s);
    return 'summarised';
  } catch (e) {
    if (isOnnxLabError(e) && !e.message.includes('\n')) return e.code;
    if (crashes.length < 5) crashes.push(`#${i} ${name}: ${(e as Error)?.stack ?? e}`);
    return 'crash';
  }
}

describe('onnx reader mutation fuzz', function () {
  this.timeout(120000);

  it('10,000 mutated models: only summaries or OnnxLabErrors, none slow', () => {
    const n = Number(process.env.ONNX_FUZZ_N ?? 10000);
    const seed = Number(process.env.ONNX_FUZZ_SEED ?? 20261122);
    const seeds = testdataModels().map((f) => fs.readFileSync(f));
    const r = rng(seed);
    const outcomes = new Map<string, number>();
    const crashes: string[] = [];
    let slowest = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const src = seeds[r.int(seeds.length)];
      const [name, mutate] = MUTATIONS[r.int(MUTATIONS.length)];
      const bytes = mutate(src, r, seeds[r.int(seeds.length)]);
      const t = performance.now();
      // Both the full decode and the wire scanner must survive every mutant.
      const outcome = run(() => summarizeModel(readModel(bytes)), i, name, crashes);
      const scanned = run(() => summarizeModelBytes(bytes), i, `${name} (scanner)`, crashes);
      outcomes.set(`scanner ${scanned}`, (outcomes.get(`scanner ${scanned}`) ?? 0) + 1);
      slowest = Math.max(slowest, performance.now() - t);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const secs = (performance.now() - t0) / 1000;
    const list = [...outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`      ${n} mutants (seed ${seed}) in ${secs.toFixed(1)} s, slowest ${slowest.toFixed(1)} ms: ${list}`);
    assert.deepEqual(crashes, []);
    assert.ok(slowest < 1000, `a mutant took ${slowest.toFixed(0)} ms (hang?)`);
  });

  it('the payload-skipping file reader gives the same outcome as reading the whole file', () => {
    const n = Math.min(300, Number(process.env.ONNX_FUZZ_N ?? 10000));
    const r = rng(99);
    const weights = Array.from({ length: 6 }, (_, i) => tensor(`w${i}`, [128, 130], i % 2 ? { asFloatData: true } : {}));
    const base = modelBytes({ inputs: [valueInfo('x', DT.FLOAT, ['N', 128])], outputs: [valueInfo('y', DT.FLOAT, ['N', 130])], nodes: [node('MatMul', ['x', 'w0'], ['y'])], initializers: weights });
    const tmp = tempDir();
    const file = path.join(tmp.dir, 'm.onnx');
    const outcome = (fn: () => unknown) => {
      try {
        return JSON.stringify(fn());
      } catch (e) {
        if (isOnnxLabError(e)) return e.code;
        throw e;
      }
    };
    try {
      for (let i = 0; i < n; i++) {
        const [, mutate] = MUTATIONS[r.int(MUTATIONS.length)];
        fs.writeFileSync(file, i === 0 ? base : mutate(base, r, base));
        const sparse = outcome(() => summarizeModelFile(file, { sparseReadMin: 0 }));
        const whole = outcome(() => summarizeModelFile(file, { sparseReadMin: Infinity }));
        assert.equal(sparse, whole, `mutant #${i}`);
      }
    } finally {
      tmp.cleanup();
    }
  });
});
