// Waveform and spectrogram outputs in headless Chromium, fed by real kernel cells (dist/kernel.js):
// a notebook cell's bytes go through the real notebook renderer bundle to pixels.
import assert from 'node:assert/strict';
import path from 'node:path';
import os from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { KernelClient } from '../../src/kernels/client';
import { targets } from '../../scripts/build.mjs';
import * as esbuild from 'esbuild';
import { buildWaveformPart, encodeAudioPayload } from '../../src/protocol/audio-payload';
import { ARTIFACTS, startHarness, type Harness } from './harness';

const SHARED = path.resolve(__dirname, '../../../shared/audio');
const DIST = path.resolve(__dirname, '../../dist');
const WAVE = 'application/vnd.onnx-lab.waveform';
const SPEC = 'application/vnd.onnx-lab.spectrogram';

// The notebook renderer host, as VS Code runs it: activate(), then renderOutputItem with the bytes.
const PAGE = `<!doctype html><meta charset="utf-8"><style>body{margin:8px;background:#fff}</style><body><div id="out"></div>
<script type="module">
  import { activate } from '/notebook-renderer.js';
  window.posted = [];
  const renderer = activate({ postMessage(m) { window.posted.push(m); }, onDidReceiveMessage() { return { dispose() {} }; }, workspace: { isTrusted: true } });
  window.renderBytes = async (mime, url) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const t0 = performance.now();
    await renderer.renderOutputItem({ id: 'o1', mime, metadata: {}, data: () => bytes, text: () => '', json: () => null, blob: () => new Blob([bytes]) }, document.getElementById('out'));
    const drawn = performance.now() - t0;
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { drawn, painted: performance.now() - t0 };
  };
  window.rendererReady = true;
</script>`;

type Win = { renderBytes(mime: string, url: string): Promise<{ drawn: number; painted: number }>; posted: { type: string; text: string; mime: string }[] };

describe('audio views in Chromium (waveform, spectrogram)', function () {
  this.timeout(120000);
  let h: Harness;
  let kernel: KernelClient;
  const payloads = new Map<string, Uint8Array>();

  async function cell(code: string): Promise<Uint8Array> {
    const r = await kernel.execute(code, 'typescript');
    assert.ok(r.ok, JSON.stringify(r));
    return r.result![0].data as Uint8Array;
  }

  before(async () => {
    // Only the kernel bundle is needed here (the renderer bundle comes from `node scripts/build.mjs`).
    const node = targets.find((t) => t.platform === 'node' && 'kernel' in (t.entryPoints ?? {}))!;
    await esbuild.build({ ...node, entryPoints: { kernel: 'src/kernels/main.ts' } });
    kernel = new KernelClient(path.join(DIST, 'kernel.js'), await mkdtemp(path.join(os.tmpdir(), 'onnx-lab-views-')));
    await kernel.ready;
    payloads.set('jfk-wave', await cell(`const jfk = await onnxLab.audio(${JSON.stringify(path.join(SHARED, 'jfk.wav'))});\njfk`));
    payloads.set('jfk-spec', await cell("onnxLab.display.spectrogram(jfk, { preset: 'nemo80' })"));
    payloads.set('rain-wave', await cell(`await onnxLab.audio(${JSON.stringify(path.join(SHARED, 'freesound_rain.wav'))})`));
    payloads.set('birds-linear', await cell(`onnxLab.display.spectrogram(await onnxLab.audio(${JSON.stringify(path.join(SHARED, 'freesound_birds1.wav'))}), { preset: 'conette', scale: 'linear', waveform: false })`));
    // Hostile labels on regions (model text is untrusted).
    const tone = new Float32Array(16000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    payloads.set('hostile', encodeAudioPayload({
      waveform: buildWaveformPart([tone], 16000, {
        title: '<img src=x onerror="window.__pwned=1">',
        regions: [
          { start: 0.1, end: 0.4, label: '<img src=x onerror="window.__pwned=2">' },
          { start: 0.6, label: '<script>window.__pwned=3</script>', color: '#e51400' },
        ],
      }),
    }));
    // One hour at 16 kHz (a chirp with a slow swell), envelopes only: the draw cost follows the width, not the length.
    const hour = new Float32Array(3600 * 16000);
    for (let i = 0; i < hour.length; i++) hour[i] = 0.8 * Math.sin(i * 0.05 + i * i * 1e-9) * (0.55 + 0.45 * Math.sin(i / 16000 / 60));
    payloads.set('hour', encodeAudioPayload({ waveform: buildWaveformPart([hour], 16000, { includeSamples: false, title: 'one hour' }) }));
    h = await startHarness({ '/audio.html': PAGE });
  });
  after(async () => {
    kernel?.kill();
    await h?.close();
  });

  async function open(name: string, mime: string, viewport = { width: 1000, height: 760 }, css = ''): Promise<{ page: Page; times: { drawn: number; painted: number } }> {
    const page = await h.browser.newPage({ viewport });
    page.on('pageerror', (e) => console.error('  [page error]', e.message));
    await page.route('**/payload/*', (route) => route.fulfill({ body: Buffer.from(payloads.get(path.basename(new URL(route.request().url()).pathname))!), contentType: 'application/octet-stream' }));
    await page.goto(`${h.url}/audio.html`);
    await page.waitForFunction(() => (window as unknown as { rendererReady?: boolean }).rendererReady);
    if (css) await page.addStyleTag({ content: css });
    const times = await page.evaluate(([m, u]) => (window as unknown as Win).renderBytes(m, u), [mime, `/payload/${name}`] as const);
    return { page, times };
  }

  /** Canvas pixels [r, g, b, a] at CSS coordinates relative to the canvas. */
  function pixel(page: Page, view: string, x: number, y: number): Promise<number[]> {
    return page.locator(`${view} canvas`).evaluate((c: HTMLCanvasElement, [x, y]) => {
      const k = c.width / c.clientWidth;
      return Array.from(c.getContext('2d')!.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data);
    }, [x, y] as const);
  }

  /** Number of distinct colours in the plot area (a blank or failed draw has one or two). */
  function colours(page: Page, view: string): Promise<number> {
    return page.locator(`${view} canvas`).evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(60, 4, c.width - 80, c.height - 40).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    });
  }

  const state = (page: Page, view: string) =>
    page.locator(view).evaluate((v: Element) => {
      const t = v as unknown as { viewStart: number; viewEnd: number; cursor?: number; selection?: { start: number; end: number }; drawCount: number; duration: number };
      return { start: t.viewStart, end: t.viewEnd, cursor: t.cursor, selection: t.selection, draws: t.drawCount, duration: t.duration };
    });

  it('draws a kernel cell\'s waveform (jfk.wav): envelope, axes, label, and reports it to the extension', async () => {
    const { page, times } = await open('jfk-wave', WAVE);
    const wave = page.locator('onnx-waveform');
    assert.match(await wave.locator('.plot').getAttribute('aria-label') ?? '', /^Waveform of jfk\.wav: 11\.000 s, 1 channel, 16000 Hz$/);
    const posted = await page.evaluate(() => (window as unknown as Win).posted);
    assert.equal(posted[0].type, 'rendered');
    assert.match(posted[0].text, /Waveform of jfk\.wav/);
    // The plot has the waveform colour in the middle row (speech is loud at ~1.5 s), and axis labels.
    const mid = 4 + 70;
    const s = await state(page, 'onnx-waveform');
    const xAt = (t: number) => 56 + (t / s.duration) * (1000 - 16 - 2 - 56 - 10);
    const px = await pixel(page, 'onnx-waveform', xAt(1.0), mid - 10);
    assert.ok(px[2] > 200 && px[0] < 120, `waveform colour at 1 s: ${px}`);
    assert.ok((await colours(page, 'onnx-waveform')) > 5);
    console.log(`      jfk waveform: first draw ${times.drawn.toFixed(1)} ms, painted ${times.painted.toFixed(1)} ms`);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-jfk.png') });
    await page.close();
  });

  it('zooms and pans with keyboard, wheel and drag, down to single samples', async () => {
    const { page } = await open('jfk-wave', WAVE);
    const plot = page.locator('onnx-waveform .plot');
    await plot.focus();
    let s = await state(page, 'onnx-waveform');
    assert.equal(s.start, 0);
    assert.equal(s.end, 11);
    await page.keyboard.press('+');
    s = await state(page, 'onnx-waveform');
    assert.ok(Math.abs(s.end - s.start - 5.5) < 1e-9, `+ halves the span: ${JSON.stringify(s)}`);
    await page.keyboard.press('ArrowRight');
    const panned = await state(page, 'onnx-waveform');
    assert.ok(Math.abs(panned.start - s.start - 0.55) < 1e-9, 'ArrowRight pans by a tenth');
    await page.keyboard.press('0');
    assert.deepEqual([(await state(page, 'onnx-waveform')).start, (await state(page, 'onnx-waveform')).end], [0, 11]);
    // Ctrl+wheel zooms around the pointer: the time under it stays put.
    const box = (await plot.boundingBox())!;
    const x = box.x + 56 + (box.width - 66) * 0.25;
    await page.mouse.move(x, box.y + 60);
    const before = await page.locator('onnx-waveform').evaluate((v: Element, x: number) => (v as unknown as { xToTime(x: number): number }).xToTime(x - v.getBoundingClientRect().left), x);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    s = await state(page, 'onnx-waveform');
    assert.ok(s.end - s.start < 11 * 0.6, `wheel zoomed in: ${JSON.stringify(s)}`);
    const after = await page.locator('onnx-waveform').evaluate((v: Element, x: number) => (v as unknown as { xToTime(x: number): number }).xToTime(x - v.getBoundingClientRect().left), x);
    assert.ok(Math.abs(after - before) < 0.01, `anchor kept: ${before} → ${after}`);
    // Shift-drag pans right-to-left = later times.
    const s0 = await state(page, 'onnx-waveform');
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + 500, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + 300, box.y + 60, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const s1 = await state(page, 'onnx-waveform');
    assert.ok(s1.start > s0.start, `drag panned: ${s0.start} → ${s1.start}`);
    // Zoom to the limit: ~24 px per sample, drawn as a line with dots.
    await page.locator('onnx-waveform').evaluate((v: Element) => (v as unknown as { setView(a: number, b: number): void }).setView(1.5, 1.5));
    s = await state(page, 'onnx-waveform');
    const samplesVisible = (s.end - s.start) * 16000;
    assert.ok(samplesVisible > 20 && samplesVisible < 60, `samples visible at max zoom: ${samplesVisible}`);
    await page.waitForTimeout(50);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-samples.png') });
    await page.close();
  });

  it('one hour of 16 kHz draws from the pyramid in a few ms and zooms to 16-sample envelopes', async () => {
    const { page, times } = await open('hour', WAVE);
    const first = await page.locator('onnx-waveform').evaluate((v: Element) => (v as unknown as { firstDrawMs: number }).firstDrawMs);
    console.log(`      1 h waveform: view's first draw ${first.toFixed(1)} ms, output painted ${times.painted.toFixed(1)} ms`);
    assert.equal((await state(page, 'onnx-waveform')).end, 3600);
    // Redraws after zooming stay cheap at every scale.
    await page.locator('onnx-waveform .plot').focus();
    const redraw: number[] = [];
    for (let k = 0; k < 16; k++) {
      await page.keyboard.press('+');
      await page.waitForTimeout(30);
      redraw.push(await page.locator('onnx-waveform').evaluate((v: Element) => (v as unknown as { lastDrawMs: number }).lastDrawMs));
    }
    const s = await state(page, 'onnx-waveform');
    // Without samples zoom stops at 8 samples per pixel.
    assert.ok((s.end - s.start) * 16000 >= 900 * 8 && (s.end - s.start) * 16000 < 918 * 16, `span ${(s.end - s.start) * 16000} samples`);
    console.log(`      1 h waveform: redraw while zooming, max ${Math.max(...redraw).toFixed(1)} ms`);
    assert.ok(Math.max(...redraw) < 50, `redraws: ${redraw.map((r) => r.toFixed(1)).join(', ')}`);
    assert.ok(first < 100, `first draw ${first}`);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-one-hour.png') });
    await page.close();
  });

  it('drag selects with start/end/duration readout; Escape clears; click sets the cursor', async () => {
    const { page } = await open('jfk-wave', WAVE);
    const box = (await page.locator('onnx-waveform .plot').boundingBox())!;
    const w = box.width - 66;
    await page.mouse.move(box.x + 56 + w * 0.2, box.y + 50);
    await page.mouse.down();
    await page.mouse.move(box.x + 56 + w * 0.5, box.y + 50, { steps: 5 });
    await page.mouse.up();
    const s = await state(page, 'onnx-waveform');
    assert.ok(s.selection && Math.abs(s.selection.start - 2.2) < 0.05 && Math.abs(s.selection.end - 5.5) < 0.05, JSON.stringify(s.selection));
    const text = await page.locator('onnx-waveform .selection').innerText();
    assert.match(text, /^Selection 2\.\d{3} s – 5\.\d{3} s \(3\.\d{3} s\)$/);
    assert.equal(await page.locator('onnx-waveform button.play').innerText(), 'Play selection');
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-selection.png') });
    await page.keyboard.press('Escape');
    assert.equal((await state(page, 'onnx-waveform')).selection, undefined);
    await page.mouse.click(box.x + 56 + w * 0.75, box.y + 50);
    const c = (await state(page, 'onnx-waveform')).cursor!;
    assert.ok(Math.abs(c - 8.25) < 0.05, `cursor ${c}`);
    await page.close();
  });

  it('hover readouts: waveform time/sample/value, spectrogram time/mel band/Hz/dB', async () => {
    const { page } = await open('jfk-spec', SPEC);
    const wbox = (await page.locator('onnx-waveform .plot').boundingBox())!;
    await page.mouse.move(wbox.x + 56 + (wbox.width - 66) * 0.5, wbox.y + 40);
    const wr = await page.locator('onnx-waveform .readout').innerText();
    assert.match(wr, /^t 5\.\d{3} s · sample \d+ · -?\d\.\d{4}$/);
    const sbox = (await page.locator('onnx-spectrogram .plot').boundingBox())!;
    await page.mouse.move(sbox.x + 56 + (sbox.width - 66) * 0.5, sbox.y + 4 + 190);
    const sr = await page.locator('onnx-spectrogram .readout').innerText();
    assert.match(sr, /^t 5\.\d{3} s · frame 5\d\d · mel [0-6] \(\d+ Hz\) · -?\d+\.\d\d dB$/);
    await page.mouse.move(sbox.x + 56 + (sbox.width - 66) * 0.5, sbox.y + 1 + 4 + 1); // top row of the plot
    assert.match(await page.locator('onnx-spectrogram .readout').innerText(), /mel 79 \(7\.\d+ kHz\)/);
    await page.close();
  });

  it('waveform and spectrogram share zoom, cursor and selection; colormap and range redraw the spectrogram', async () => {
    const { page, times } = await open('jfk-spec', SPEC);
    console.log(`      jfk waveform + nemo80 spectrogram: first draw ${times.drawn.toFixed(1)} ms, painted ${times.painted.toFixed(1)} ms`);
    assert.match(await page.locator('onnx-spectrogram .plot').getAttribute('aria-label') ?? '', /^Mel spectrogram of jfk\.wav: 80 mel bands, 1101 frames, 11\.000 s, values in dB$/);
    assert.ok((await colours(page, 'onnx-spectrogram')) > 50);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'spectrogram-jfk-viridis.png') });
    await page.locator('onnx-waveform .plot').focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowRight');
    const w = await state(page, 'onnx-waveform'), s = await state(page, 'onnx-spectrogram');
    assert.ok(Math.abs(w.start - s.start) < 1e-9 && Math.abs(w.end - s.end) < 1e-9, `${JSON.stringify(w)} vs ${JSON.stringify(s)}`);
    assert.ok(w.end - w.start < 3);
    // Zoom from the spectrogram side moves the waveform too.
    await page.locator('onnx-spectrogram .plot').focus();
    await page.keyboard.press('-');
    assert.equal((await state(page, 'onnx-waveform')).end - (await state(page, 'onnx-waveform')).start, (await state(page, 'onnx-spectrogram')).end - (await state(page, 'onnx-spectrogram')).start);
    const sbox = (await page.locator('onnx-spectrogram .plot').boundingBox())!;
    await page.mouse.click(sbox.x + 300, sbox.y + 100);
    const wc = (await state(page, 'onnx-waveform')).cursor, sc = (await state(page, 'onnx-spectrogram')).cursor;
    assert.ok(wc !== undefined && wc === sc, `cursor linked ${wc} ${sc}`);
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Control+Shift+ArrowRight');
    const ws = (await state(page, 'onnx-waveform')).selection;
    assert.ok(ws && ws.end > ws.start, 'Shift+arrows select');
    assert.deepEqual(ws, (await state(page, 'onnx-spectrogram')).selection);
    await page.keyboard.press('0');
    const before = await pixel(page, 'onnx-spectrogram', 400, 120);
    await page.locator('onnx-spectrogram select.colormap').selectOption('magma');
    await page.waitForTimeout(50);
    const magma = await pixel(page, 'onnx-spectrogram', 400, 120);
    assert.notDeepEqual(before, magma);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'spectrogram-jfk-magma.png') });
    await page.locator('onnx-spectrogram input.floor').fill('-40');
    await page.locator('onnx-spectrogram input.floor').press('Enter');
    await page.waitForTimeout(50);
    assert.equal(await page.locator('onnx-spectrogram').evaluate((v: Element) => (v as unknown as { range: { lo: number } }).range.lo), -40);
    await page.locator('onnx-spectrogram select.colormap').selectOption('gray');
    await page.waitForTimeout(50);
    const g = await pixel(page, 'onnx-spectrogram', 400, 120);
    assert.ok(g[0] === g[1] && g[1] === g[2], `gray: ${g}`);
    await page.close();
  });

  it('play state: Play starts WebAudio playback with a moving cursor, or says why it cannot', async () => {
    const { page } = await open('jfk-spec', SPEC);
    const play = page.locator('onnx-waveform button.play');
    await play.click();
    await page.waitForTimeout(400);
    const pressed = await play.getAttribute('aria-pressed');
    const note = await page.locator('onnx-waveform .playback-note').innerText();
    if (pressed === 'true') {
      const c1 = (await state(page, 'onnx-waveform')).cursor!;
      await page.waitForTimeout(300);
      // Both cursors read in the same task, so playback cannot move between the two reads.
      const [c2, s2] = await page.locator('onnx-audio-view').evaluate((v: Element) => {
        const r = v.shadowRoot!;
        return [(r.querySelector('onnx-waveform') as unknown as { cursor: number }).cursor, (r.querySelector('onnx-spectrogram') as unknown as { cursor: number }).cursor];
      });
      assert.ok(c2 > c1 && c1 > 0, `cursor moves while playing: ${c1} → ${c2}`);
      assert.equal(s2, c2, 'spectrogram cursor follows');
      assert.equal(await play.innerText(), 'Pause');
      await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-spectrogram-playing.png') });
      await play.click();
      assert.equal(await play.getAttribute('aria-pressed'), 'false');
      const stopped = (await state(page, 'onnx-waveform')).cursor!;
      await page.waitForTimeout(200);
      assert.equal((await state(page, 'onnx-waveform')).cursor, stopped, 'cursor stays after pause');
      console.log(`      WebAudio played in headless Chromium; cursor ${c1.toFixed(3)} → ${c2.toFixed(3)} s`);
      // Play selection ends by itself at the selection's end.
      await page.locator('onnx-waveform').evaluate((v: Element) => (v as unknown as { setSelection(s: { start: number; end: number }): void }).setSelection({ start: 1, end: 1.3 }));
      await play.click();
      await page.waitForFunction(() => {
        const v = document.querySelector('onnx-audio-view')!.shadowRoot!.querySelector('onnx-waveform') as unknown as { playing: boolean };
        return !v.playing;
      }, undefined, { timeout: 3000 });
      const end = (await state(page, 'onnx-waveform')).cursor!;
      assert.ok(end > 1.2 && end <= 1.3 + 1e-9, `selection playback ended at ${end}`);
    } else {
      assert.match(note, /Playback is not available/);
      console.log(`      WebAudio unavailable here: ${note}`);
    }
    await page.close();
  });

  it('all channels of a stereo 44.1 kHz file, and a linear spectrogram on a log-Hz axis', async () => {
    const { page } = await open('rain-wave', WAVE);
    assert.match(await page.locator('onnx-waveform .plot').getAttribute('aria-label') ?? '', /2 channels, 44100 Hz/);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-stereo-rain.png') });
    await page.close();
    const lin = await open('birds-linear', SPEC);
    const p = lin.page;
    assert.equal(await p.locator('onnx-waveform').count(), 0);
    assert.match(await p.locator('onnx-spectrogram .plot').getAttribute('aria-label') ?? '', /^Spectrogram of freesound_birds1\.wav: 513 bins/);
    await p.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'spectrogram-linear-birds.png') });
    await p.locator('onnx-spectrogram select.axis').selectOption('log');
    await p.waitForTimeout(50);
    const box = (await p.locator('onnx-spectrogram .plot').boundingBox())!;
    await p.mouse.move(box.x + 400, box.y + 4 + 100);
    assert.match(await p.locator('onnx-spectrogram .readout').innerText(), /bin \d+ \([\d.]+ k?Hz\) · -?\d+\.\d\d dB/);
    await p.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'spectrogram-log-birds.png') });
    await p.close();
  });

  it('follows the VS Code theme variables (a dark theme)', async () => {
    // The variables VS Code sets on a notebook output's body in Dark Modern.
    const dark = `body { background: #1f1f1f; --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-charts-blue: #4daafc;
      --vscode-editorWidget-border: #454545; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff;
      --vscode-dropdown-background: #313131; --vscode-dropdown-foreground: #cccccc; --vscode-dropdown-border: #3c3c3c;
      --vscode-focusBorder: #0078d4; --vscode-editorCursor-foreground: #aeafad; --vscode-editor-selectionBackground: #264f78; }`;
    const { page } = await open('jfk-spec', SPEC, { width: 1000, height: 560 }, dark);
    const s = await state(page, 'onnx-waveform');
    const x = 56 + (1.0 / s.duration) * (1000 - 16 - 2 - 56 - 10);
    assert.deepEqual((await pixel(page, 'onnx-waveform', x, 64)).slice(0, 3), [0x4d, 0xaa, 0xfc]);
    assert.equal(await page.locator('onnx-waveform').evaluate((v: Element) => getComputedStyle(v).color), 'rgb(204, 204, 204)');
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-spectrogram-dark.png') });
    await page.close();
  });

  it('region labels and titles from models are text only: nothing executes', async () => {
    const { page } = await open('hostile', WAVE);
    const items = await page.locator('onnx-waveform ul.regions li').allInnerTexts();
    assert.equal(items.length, 2);
    assert.match(items[0], /<img src=x onerror="window.__pwned=2">$/);
    assert.match(items[1], /<script>window.__pwned=3<\/script>$/);
    assert.equal(await page.locator('onnx-waveform .title').innerText(), '<img src=x onerror="window.__pwned=1">');
    assert.equal(await page.locator('onnx-audio-view img, onnx-waveform img, onnx-waveform script').count(), 0);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.locator('#out').screenshot({ path: path.join(ARTIFACTS, 'waveform-regions-hostile.png') });
    await page.close();
  });

  it('a broken payload shows an error in the output instead of throwing', async () => {
    payloads.set('broken', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]));
    const { page } = await open('broken', WAVE);
    assert.match(await page.locator('#out').innerText(), /^ONNX Lab could not draw this output: not an ONNX Lab audio payload/);
    await page.close();
  });
});
