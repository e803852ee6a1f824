import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { compileCell } from '../../src/kernels/compile';
import { KernelClient, KernelDiedError } from '../../src/kernels/client';
import { DIST, ensureBuilt } from './built';

describe('cell compiler', () => {
  it('turns top-level declarations into globals and returns the last expression', () => {
    const js = compileCell('const a: number = 1;\nlet {b, c: [d]} = {b: 2, c: [3]};\na + b + d', 'typescript');
    assert.match(js, /^globalThis\["a"\] = globalThis\["a"\]; globalThis\["b"\] = globalThis\["b"\]; globalThis\["d"\] = globalThis\["d"\];/);
    assert.match(js, /return \(a \+ b \+ d\);/);
    assert.doesNotMatch(js, /\bconst\b|\blet\b|: number/);
  });

  it('keeps functions and classes and does not return a declaration', () => {
    const js = compileCell('function f(x) { return x }\nclass K {}', 'javascript');
    assert.match(js, /f = function f\(x\)/);
    assert.match(js, /K = class K/);
    assert.doesNotMatch(js, /return \(/);
  });

  it('turns imports into require calls', () => {
    const js = compileCell("import path from 'node:path';\npath.sep", 'typescript');
    assert.match(js, /require\("node:path"\)/);
  });

  it('reports syntax errors with the cell line and column', () => {
    assert.throws(() => compileCell('const x = ;', 'typescript', 'cell-7'), /cell-7:1:11: Unexpected ";"/);
    assert.throws(() => compileCell('let y = 1\ny +* 2', 'javascript', 'cell-2'), /cell-2:2:/);
  });
});

describe('kernel process', function () {
  this.timeout(30000);
  let dir: string;
  let kernel: KernelClient;

  before(async () => {
    await ensureBuilt();
    dir = await mkdtemp(path.join(os.tmpdir(), 'onnx-lab-kernel-'));
    await writeFile(path.join(dir, 'data.txt'), 'from the notebook folder');
  });
  beforeEach(async () => {
    kernel = new KernelClient(path.join(DIST, 'kernel.js'), dir);
    await kernel.ready;
  });
  afterEach(() => kernel.kill());

  it('keeps state across cells, allows redeclaring const, awaits, and streams console output', async () => {
    const streamed: string[] = [];
    let r = await kernel.execute('const x: number = 40;\nconsole.log("x is", x);\nx + 2', 'typescript', { stream: (_n, t) => streamed.push(t) });
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: '42' }] });
    assert.deepEqual(streamed, ['x is 40\n']);
    r = await kernel.execute('const x = 1;\nawait new Promise((res) => setTimeout(res, 5));\nx + 1', 'typescript');
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: '2' }] });
  });

  it('resolves files relative to the notebook folder', async () => {
    const r = await kernel.execute("import { readFileSync } from 'node:fs';\nreadFileSync('data.txt', 'utf8')", 'typescript');
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: "'from the notebook folder'" }] });
  });

  it('returns errors with the cell frames only, and stays usable', async () => {
    const r = await kernel.execute('function boom() { throw new RangeError("too big") }\nboom()', 'typescript');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.name, 'RangeError');
    assert.equal(r.error.message, 'too big');
    assert.doesNotMatch(r.error.stack ?? '', /session|node:internal/);
    assert.deepEqual(await kernel.execute('1 + 1', 'javascript'), { ok: true, result: [{ mime: 'text/plain', data: '2' }] });
  });

  it('shows the ONNX Lab API summary of a real model as a vendor mime output with a text fallback', async () => {
    const model = path.resolve(__dirname, '../../samples/models/tiny-audio-tagger.onnx');
    const r = await kernel.execute(`await onnxLab.inspect(${JSON.stringify(model)})`, 'typescript');
    assert.ok(r.ok, JSON.stringify(r));
    const mimes = r.result!.map((i) => i.mime);
    assert.deepEqual(mimes, ['application/vnd.onnx-lab.model-summary+json', 'text/plain']);
    const summary = JSON.parse(r.result![0].data as string);
    assert.deepEqual(summary.inputs.map((i: { name: string }) => i.name), ['features']);
    assert.deepEqual(summary.inputs[0].shape, ['batch', 40, 'time']);
  });

  it('interrupt ends an awaiting cell and keeps the state', async () => {
    await kernel.execute('const kept = 7', 'typescript');
    const waiting = kernel.execute('await new Promise(() => {})', 'typescript');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await kernel.interrupt(), 'interrupted');
    const r = await waiting;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.name, 'Interrupted');
    assert.deepEqual(await kernel.execute('kept', 'typescript'), { ok: true, result: [{ mime: 'text/plain', data: '7' }] });
  });

  it('interrupt kills a busy loop within a second', async () => {
    const spinning = kernel.execute('while (true) {}', 'javascript');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    assert.equal(await kernel.interrupt(), 'killed');
    await assert.rejects(spinning, KernelDiedError);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  it('caches sessions: loading the same model again reuses the session', async () => {
    const model = JSON.stringify(path.resolve(__dirname, '../../samples/models/tiny-audio-tagger.onnx'));
    const r = await kernel.execute(`const s1 = await onnxLab.load(${model});\nconst s2 = await onnxLab.load(${model});\n[s1 === s2, s1.inputs[0].name]`, 'typescript');
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: "[ true, 'features' ]" }] });
  });

  it('computes preset features from audio, as the model is fed', async () => {
    const wav = JSON.stringify(path.resolve(__dirname, '../../samples/audio/speech-16k.wav'));
    const r = await kernel.execute(`const f = onnxLab.features(await onnxLab.audio(${wav}), 'kws40');\n[f.nMels, f.frames, f.data.length === f.nMels * f.frames]`, 'typescript');
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: '[ 40, 688, true ]' }] });
  });

  it("imports the notebook API as 'onnx-lab'", async () => {
    const r = await kernel.execute("import { inspect, load } from 'onnx-lab';\n[typeof inspect, typeof load]", 'typescript');
    assert.deepEqual(r, { ok: true, result: [{ mime: 'text/plain', data: "[ 'function', 'function' ]" }] });
  });

  it('a killed kernel fails the running cell with KernelDiedError', async () => {
    const running = kernel.execute('while (true) {}', 'javascript');
    setTimeout(() => kernel.kill(), 200);
    await assert.rejects(running, (e: Error) => e instanceof KernelDiedError && /SIGKILL/.test(e.message));
    assert.equal(kernel.alive, false);
  });
});
