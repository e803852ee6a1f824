import assert from 'node:assert/strict';
import {
  applyMetric, caseStatus, compareTensors, compareValues, halfToNumber, numberToHalf, parsePerOutput, resolveTolerance,
  type Tensor,
} from '../../src/core/validate';

const f32 = (v: number[], dims = [v.length]): Tensor => ({ dtype: 'float32', dims, data: Float32Array.from(v) });
const f64 = (v: number[], dims = [v.length]): Tensor => ({ dtype: 'float64', dims, data: Float64Array.from(v) });

describe('validate: comparison', () => {
  it('fails an element only beyond both atol and rtol (Polygraphy), unlike numpy.allclose', () => {
    const tol = { atol: 1e-5, rtol: 1e-5 };
    // |d| = 2e-5 > atol but ≤ rtol·|10| = 1e-4: passes.
    assert.equal(compareTensors('y', f64([10 + 2e-5]), f64([10]), tol).status, 'pass');
    // Golden 0: rtol covers nothing, 2e-5 > atol: fails.
    const c = compareTensors('y', f64([2e-5]), f64([0]), tol);
    assert.equal(c.status, 'fail');
    assert.equal(c.mismatches, 1);
    // |d| = 1.5e-5 vs golden 1: beyond atol (1e-5) and rtol·1 (1e-5), so Polygraphy fails it,
    // while numpy's atol + rtol·|b| = 2e-5 passes it.
    assert.equal(compareTensors('y', f64([1 + 1.5e-5]), f64([1]), tol).status, 'fail');
    assert.equal(compareTensors('y', f64([1 + 1.5e-5]), f64([1]), { ...tol, rule: 'numpy' }).status, 'pass');
  });

  it('reports max/mean abs and rel error, cosine and mismatch %', () => {
    const c = compareTensors('y', f64([1, 2.5, 3, -4]), f64([1, 2, 3, -4.5]), { atol: 0.1, rtol: 0 });
    assert.equal(c.maxAbsError, 0.5);
    assert.equal(c.meanAbsError, 0.25);
    assert.equal(c.maxRelError, 0.25);
    assert.equal(c.mismatches, 2);
    assert.equal(c.mismatchPct, 50);
    const dot = 1 + 5 + 9 + 18, na = Math.hypot(1, 2.5, 3, -4), nb = Math.hypot(1, 2, 3, -4.5);
    assert.ok(Math.abs(c.cosine - dot / (na * nb)) < 1e-12);
    assert.equal(c.worst?.index, 1);
  });

  it('minimum atol and rtol are exactly the smallest that pass', () => {
    const a = f64([1.0003, 2, 0.01, -5.002]);
    const b = f64([1, 2.0001, 0.0105, -5]);
    const tol = { atol: 1e-5, rtol: 1e-5 };
    const c = compareTensors('y', a, b, tol);
    assert.equal(c.status, 'fail');
    assert.equal(compareTensors('y', a, b, { atol: c.minAtol, rtol: 1e-5 }).status, 'pass');
    assert.equal(compareTensors('y', a, b, { atol: c.minAtol * 0.999, rtol: 1e-5 }).status, 'fail');
    assert.equal(compareTensors('y', a, b, { atol: 1e-5, rtol: c.minRtol }).status, 'pass');
    assert.equal(compareTensors('y', a, b, { atol: 1e-5, rtol: c.minRtol * 0.999 }).status, 'fail');
    const n = compareTensors('y', a, b, { ...tol, rule: 'numpy' });
    assert.equal(compareTensors('y', a, b, { atol: n.minAtol * 1.000001, rtol: 1e-5, rule: 'numpy' }).status, 'pass');
    assert.equal(compareTensors('y', a, b, { atol: 1e-5, rtol: n.minRtol * 1.000001, rule: 'numpy' }).status, 'pass');
  });

  it('NaN matches NaN at the same place; NaN against a number and mismatched Inf fail, with counts', () => {
    const tol = { atol: 1e-5, rtol: 1e-5 };
    assert.equal(compareTensors('y', f32([NaN, 1, Infinity, -Infinity]), f32([NaN, 1, Infinity, -Infinity]), tol).status, 'pass');
    const c = compareTensors('y', f32([NaN, 1, 2, Infinity, 5]), f32([1, NaN, 2, -Infinity, Infinity]), { atol: 1e9, rtol: 1e9 });
    assert.equal(c.status, 'fail', 'huge tolerances must not hide NaN/Inf');
    assert.deepEqual(c.nonFinite, { actualNaN: 1, goldenNaN: 1, actualInf: 1, goldenInf: 2, mismatched: 4 });
    assert.equal(c.mismatches, 4);
    assert.equal(c.minAtol, Infinity);
    assert.match(c.reason!, /4 NaN\/Inf mismatches/);
  });

  it('shape and dtype mismatches fail with the reason', () => {
    const s = compareTensors('y', f32([1, 2, 3, 4], [2, 2]), f32([1, 2, 3, 4], [4]));
    assert.equal(s.status, 'fail');
    assert.equal(s.reason, 'shape [2, 2], golden [4]');
    const d = compareTensors('y', f64([1]), f32([1]));
    assert.equal(d.reason, 'dtype float64, golden float32');
  });

  it('integer, bool and string outputs must match exactly whatever the tolerance', () => {
    const big = { atol: 100, rtol: 100 };
    const i = compareTensors('label', { dtype: 'int64', dims: [3], data: BigInt64Array.from([1n, 2n, 3n]) }, { dtype: 'int64', dims: [3], data: BigInt64Array.from([1n, 2n, 4n]) }, big);
    assert.equal(i.status, 'fail');
    assert.equal(i.check, 'exact');
    assert.equal(i.maxAbsError, 1);
    const b = compareTensors('m', { dtype: 'bool', dims: [2], data: Uint8Array.from([1, 0]) }, { dtype: 'bool', dims: [2], data: Uint8Array.from([1, 0]) }, big);
    assert.equal(b.status, 'pass');
    const s = compareTensors('t', { dtype: 'string', dims: [2], data: ['a', 'b'] }, { dtype: 'string', dims: [2], data: ['a', 'c'] }, big);
    assert.equal(s.status, 'fail');
    assert.deepEqual(s.worst, { index: 1, actual: 'b', golden: 'c' });
  });

  it('float16 goldens compare by value', () => {
    for (const v of [0, 1, -2.5, 65504, 6.1e-5, 5.96e-8, 0.1]) {
      const h = numberToHalf(v);
      assert.ok(Math.abs(halfToNumber(h) - v) <= Math.abs(v) * 1e-3 + 6e-8, `${v}`);
    }
    assert.ok(Number.isNaN(halfToNumber(numberToHalf(NaN))));
    const a: Tensor = { dtype: 'float16', dims: [2], data: Uint16Array.from([numberToHalf(1), numberToHalf(2)]) };
    const b: Tensor = { dtype: 'float16', dims: [2], data: Uint16Array.from([numberToHalf(1), numberToHalf(2.002)]) };
    const c = compareTensors('y', a, b, { atol: 1e-5, rtol: 1e-5 });
    assert.equal(c.status, 'fail');
    assert.equal(c.maxAbsError, halfToNumber(numberToHalf(2.002)) - 2);
    assert.equal(compareTensors('y', a, b, { atol: 1e-2, rtol: 0 }).status, 'pass');
  });

  it('top-k agreement for logits-like outputs', () => {
    const c = compareTensors('logits', f32([0.1, 0.9, 0.5, 3, 1, 2], [2, 3]), f32([0.1, 0.8, 0.6, 1, 3, 2], [2, 3]), { atol: 1, rtol: 0 });
    assert.equal(c.topK?.rows, 2);
    assert.equal(c.topK?.top1, 0.5);
    assert.equal(compareTensors('sum', f32([1, 2]), f32([1, 2])).topK, undefined, 'only for logits-like names unless asked');
    const cos = applyMetric(compareTensors('emb', f32([1, 2, 3]), f32([1.01, 2, 3])), { metric: 'cosine', min: 0.999 });
    assert.equal(cos.status, 'pass');
    const top = applyMetric(c, { metric: 'topk', min: 1 });
    assert.equal(top.status, 'fail');
    assert.match(top.reason!, /top-1 agreement 50\.0%/);
  });

  it('missing outputs and sequences', () => {
    const missing = compareValues('y', undefined, { kind: 'tensor', tensor: f32([1]) }, { atol: 0, rtol: 0 });
    assert.equal(missing[0].status, 'missing');
    assert.equal(caseStatus(missing), 'fail');
    assert.equal(caseStatus([]), 'fail', 'nothing compared is not a pass');
    const seq = compareValues(
      's',
      { kind: 'sequence', elements: [{ kind: 'tensor', tensor: f32([1]) }, { kind: 'tensor', tensor: f32([2]) }] },
      { kind: 'sequence', elements: [{ kind: 'tensor', tensor: f32([1]) }, { kind: 'tensor', tensor: f32([3]) }] },
      { atol: 1e-5, rtol: 1e-5 },
    );
    assert.deepEqual(seq.map((c) => [c.name, c.status]), [['s[0]', 'pass'], ['s[1]', 'fail']]);
  });

  it('per-output overrides and tolerance precedence', () => {
    assert.deepEqual(parsePerOutput('logits:1e-4,1e-3'), ['logits', { atol: 1e-4, rtol: 1e-3 }]);
    assert.deepEqual(parsePerOutput('a:b:0.5'), ['a:b', { atol: 0.5 }]);
    assert.throws(() => parsePerOutput('logits'), /NAME:ATOL/);
    assert.throws(() => parsePerOutput('logits:x'), /not a tolerance/);
    const golden = { tolerance: { atol: 1e-3 }, outputs: { y: { rtol: 0.5 }, z: { metric: 'exact' as const } } };
    assert.deepEqual(resolveTolerance('y', {}, {}, golden), { atol: 1e-3, rtol: 0.5 });
    assert.deepEqual(resolveTolerance('y', { atol: 2e-3, rtol: 1e-2 }, {}, golden), { atol: 2e-3, rtol: 0.5 });
    assert.deepEqual(resolveTolerance('y', { atol: 2e-3 }, { y: { rtol: 0.1 } }, golden), { atol: 2e-3, rtol: 0.1 });
    assert.deepEqual(resolveTolerance('w', {}, {}, {}), { atol: 1e-5, rtol: 1e-5 });
    assert.deepEqual(resolveTolerance('z', {}, {}, golden), { atol: 0, rtol: 0 });
  });
});
