// First paint of a 10-minute 16 kHz waveform and its nemo80 mel spectrogram in headless Chromium,
// through the real notebook renderer bundle (dist/webview/notebook-renderer.js; run
// `node scripts/build.mjs` first). The reference, measured in the same run on the same data and the
// same canvas size: a naive drawing that strokes one path through every sample and fills one
// rectangle per spectrogram cell. Each run is a fresh page (cold: no text drawn yet); WARM=1 draws a
// line of text first, as a notebook's output webview has; BREAKDOWN=1 logs each view's first draw.
import http from 'node:http';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { AudioData } from '../src/core/audio';
import { spectrogramPart, waveformPart } from '../src/kernels/display-audio';
import { encodeAudioPayload } from '../src/protocol/audio-payload';
import { realAudioLoop, type Bench, type BenchResult } from './lib';

const here = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(here, '..');
const SECONDS = 600;
const RATE = 16000;

/** 10 minutes at 16 kHz of the shared recordings, quantised as 16-bit PCM would be. */
async function tenMinutes(): Promise<AudioData> {
  const out = (await realAudioLoop(SECONDS, RATE, /\.wav$/)).map((v) => Math.round(v * 32767) / 32768);
  return { channels: [out], sampleRate: RATE, format: { container: 'wav', encoding: 'pcm-s16', bitsPerSample: 16, channels: 1 } };
}

const PAGE = `<!doctype html><meta charset="utf-8"><style>body{margin:8px}</style><body><div id="out"></div>
<script type="module">
  import { activate } from '/notebook-renderer.js';
  const renderer = activate({ postMessage() {}, onDidReceiveMessage() { return { dispose() {} }; }, workspace: { isTrusted: true } });
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  window.ours = async () => {
    const bytes = new Uint8Array(await (await fetch('/payload.bin')).arrayBuffer());
    const t0 = performance.now();
    await renderer.renderOutputItem({ id: 'o1', mime: 'application/vnd.onnx-lab.spectrogram', metadata: {}, data: () => bytes }, document.getElementById('out'));
    const drawn = performance.now() - t0;
    await frame();
    const av = document.querySelector('onnx-audio-view');
    window.breakdown = { wave: av?.waveform?.firstDrawMs, spec: av?.spectrogram?.firstDrawMs, draws: [av?.waveform?.drawCount, av?.spectrogram?.drawCount], t: globalThis.__t };
    return { drawn, painted: performance.now() - t0 };
  };
  // The reference gets the decoded arrays for free (as floats, the easiest form to draw naively).
  window.naive = async () => {
    const { wave, spec, bins, frames, lo, hi } = await (await fetch('/naive.json')).json().then(async (m) => {
      const buf = await (await fetch('/naive.bin')).arrayBuffer();
      return { ...m, wave: new Float32Array(buf, 0, m.samples), spec: new Float32Array(buf, m.samples * 4, m.bins * m.frames) };
    });
    const t0 = performance.now();
    const W = 918, H1 = 140, H2 = 200;
    const c1 = document.createElement('canvas'); c1.width = W; c1.height = H1;
    const c2 = document.createElement('canvas'); c2.width = W; c2.height = H2;
    document.getElementById('out').replaceChildren(c1, c2);
    const g = c1.getContext('2d');
    g.strokeStyle = '#3794ff';
    g.beginPath();
    const sx = W / wave.length;
    for (let i = 0; i < wave.length; i++) { const x = i * sx, y = H1 / 2 - wave[i] * H1 / 2; if (i) g.lineTo(x, y); else g.moveTo(x, y); }
    g.stroke();
    const s = c2.getContext('2d');
    const cw = W / frames, ch = H2 / bins;
    for (let b = 0; b < bins; b++) for (let t = 0; t < frames; t++) {
      const v = Math.max(0, Math.min(1, (spec[b * frames + t] - lo) / (hi - lo)));
      const k = Math.round(v * 255);
      s.fillStyle = 'rgb(' + k + ',' + k + ',' + k + ')';
      s.fillRect(t * cw, H2 - (b + 1) * ch, cw + 0.5, ch);
    }
    const drawn = performance.now() - t0;
    await frame();
    return { drawn, painted: performance.now() - t0 };
  };
  // A notebook's output webview has drawn text before any output arrives; WARM=1 does the same here.
  if (new URLSearchParams(location.search).has('warm')) {
    const c = document.createElement('canvas').getContext('2d');
    c.font = '11px system-ui, sans-serif';
    c.fillText('0.5 s 1 kHz', 0, 10);
    document.body.insertAdjacentHTML('afterbegin', '<p style="font: 13px system-ui">Cell output</p>');
  }
  window.ready = true;
</script>`;

/** PROFILE=1: the functions with the most self time in the first measured run. */
function logProfile(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }, log: (l: string) => void): void {
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) log(`  ${ms.toFixed(1).padStart(7)} ms  ${k}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const bench: Bench = async ({ quick, log }) => {
  const runs = quick ? 1 : 5;
  log('preparing 10 minutes of 16 kHz audio from ../shared/audio ...');
  const audio = await tenMinutes();
  const t0 = performance.now();
  const wave = waveformPart(audio);
  const spec = spectrogramPart(audio, { preset: 'nemo80' });
  const payload = encodeAudioPayload({ waveform: wave, spectrogram: spec });
  log(`kernel side: payload ${(payload.length / 2 ** 20).toFixed(1)} MiB (${spec.header.bins}×${spec.header.frames} ${spec.header.valueFormat}, ${wave.header.levels} envelope levels) built in ${(performance.now() - t0).toFixed(0)} ms`);
  // Dequantised floats for the reference.
  const h = spec.header;
  const q = spec.values as Uint16Array | Float32Array;
  const specF = q instanceof Float32Array ? q : Float32Array.from(q, (v) => h.min + (v * (h.max - h.min)) / 65535);
  const naiveBin = new Uint8Array((audio.channels[0].length + specF.length) * 4);
  new Float32Array(naiveBin.buffer).set(audio.channels[0]);
  new Float32Array(naiveBin.buffer).set(specF, audio.channels[0].length);
  const naiveMeta = JSON.stringify({ samples: audio.channels[0].length, bins: h.bins, frames: h.frames, lo: h.max - 80, hi: h.max });

  const renderer = readFileSync(path.join(ROOT, 'dist/webview/notebook-renderer.js'));
  const server = http.createServer((req, res) => {
    const body: Record<string, [string, Uint8Array | string]> = {
      '/': ['text/html', PAGE], '/notebook-renderer.js': ['text/javascript', renderer], '/payload.bin': ['application/octet-stream', payload],
      '/naive.bin': ['application/octet-stream', naiveBin], '/naive.json': ['application/json', naiveMeta],
    };
    const b = body[new URL(req.url ?? '/', 'http://x').pathname];
    if (!b) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': b[0] }).end(b[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const measure = async (fn: 'ours' | 'naive') => {
      const out: { drawn: number; painted: number }[] = [];
      for (let i = 0; i < runs; i++) {
        // A fresh page each run: first paint includes every one-time cost (templates, styles, canvases).
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        await page.goto(process.env.WARM ? `${url}?warm` : url);
        await page.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready);
        const cdp = process.env.PROFILE && fn === 'ours' && i === 0 ? await page.context().newCDPSession(page) : undefined;
        if (cdp) {
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
          await cdp.send('Profiler.start');
        }
        out.push(await page.evaluate((f) => (globalThis as unknown as Record<string, () => Promise<{ drawn: number; painted: number }>>)[f](), fn));
        if (cdp) logProfile((await cdp.send('Profiler.stop')).profile, log);
        if (fn === 'ours' && process.env.BREAKDOWN) log(JSON.stringify(await page.evaluate(() => (globalThis as unknown as { breakdown: unknown }).breakdown)));
        await page.close();
      }
      return { drawn: median(out.map((o) => o.drawn)), painted: median(out.map((o) => o.painted)) };
    };
    const ours = await measure('ours');
    log(`ours: drawn ${ours.drawn.toFixed(1)} ms, painted ${ours.painted.toFixed(1)} ms (median of ${runs})`);
    const naive = await measure('naive');
    log(`naive: drawn ${naive.drawn.toFixed(1)} ms, painted ${naive.painted.toFixed(1)} ms (median of ${runs})`);
    const rows: BenchResult[] = [
      { name: 'first paint, 10 min waveform + nemo80 mel (Chromium)', value: ours.painted, unit: 'ms', reference: 'naive per-sample path + per-cell rects', reference_value: naive.painted },
      { name: 'decode + draw (no frame wait), same data', value: ours.drawn, unit: 'ms', reference: 'naive per-sample path + per-cell rects', reference_value: naive.drawn },
    ];
    return rows;
  } finally {
    await browser.close();
    server.close();
  }
};

export default bench;
