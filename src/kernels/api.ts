import path from 'node:path';
import { MIME } from '../protocol/mime';
import { summarizeModelFile } from '../core/onnx/summary';
import { formatSummaryText } from '../core/onnx/format';
import { displayable, type Displayable } from './display';
import type { ModelSession, SessionOptions } from '../runtime/session';
import { statSync } from 'node:fs';
import { featuresFromAudio, getPreset, readAudioFile, type AudioData, type Features } from '../core/audio';
import { formatReportText, type ValidationReport } from '../core/validate';
import type { ValidationReportView } from '../protocol/validation-report';
import { spectrogramOutputs, waveformOutputs, type SpectrogramOptions, type WaveformOptions } from './display-audio';

/** Audio loaded by `onnxLab.audio(path)`: shows its waveform; `.data` is the core's AudioData. */
export interface AudioClip extends Displayable {
  path: string;
  sampleRate: number;
  /** Number of channels (the samples are `.data.channels`). */
  channels: number;
  /** Seconds. */
  duration: number;
  data: AudioData;
}

/** What the display functions accept: a clip, the core's AudioData, or samples (mono or per channel). */
export type AudioLike = AudioClip | AudioData | Float32Array | Float32Array[];

/**
 * The API cells see as the global `onnxLab`. Only capabilities that exist are listed here.
 */
export interface NotebookApi {
  /** Reads an ONNX model (path relative to the notebook) and shows its summary. */
  inspect(modelPath: string): Promise<Displayable & { summary: unknown }>;
  /**
   * Opens an onnxruntime session on a model (path relative to the notebook): `.inputs`, `.outputs`,
   * `.run(feeds)`. Sessions are cached per file and options: running the cell again reuses it
   * unless the file changed.
   */
  load(modelPath: string, opts?: SessionOptions): Promise<ModelSession>;
  /** Features of a core preset (nemo80, conette, cnn14, kws40, whisper80): `[nMels, frames]` Float32, shown as a spectrogram. */
  features(audio: AudioLike, preset: string, sampleRate?: number): Features & Displayable;
  /** Runs a model on golden inputs and compares with the golden outputs (ONNX backend layout, .npz, Polygraphy JSON, golden.json). */
  validate(modelPath: string, goldenPath: string, opts?: { atol?: number; rtol?: number }): Promise<ValidationReport & Displayable>;
  /** Reads an audio file (WAV, FLAC, Ogg Vorbis, MP3; path relative to the notebook) and shows its waveform. */
  audio(audioPath: string): Promise<AudioClip>;
  display: {
    /** A waveform output; `sampleRate` is needed for raw samples. */
    waveform(audio: AudioLike, sampleRate?: number, opts?: WaveformOptions): Displayable;
    /** A spectrogram output (core preset features, dB by default) with the waveform above it. */
    spectrogram(audio: AudioLike, opts?: SpectrogramOptions & { sampleRate?: number }): Displayable;
  };
}

function toAudioData(a: AudioLike, sampleRate?: number): AudioData {
  if (a instanceof Float32Array || Array.isArray(a)) {
    if (!(sampleRate && sampleRate > 0)) throw new TypeError('a sample rate is needed with raw samples: display.waveform(samples, 16000)');
    const channels = a instanceof Float32Array ? [a] : a;
    return { channels, sampleRate, format: { container: 'array', encoding: 'float32', bitsPerSample: 32, channels: channels.length } };
  }
  if ('data' in a && a.data && Array.isArray(a.data.channels)) return a.data;
  if (Array.isArray((a as AudioData).channels)) return a as AudioData;
  throw new TypeError('expected audio from onnxLab.audio(), AudioData, or Float32Array samples');
}

export function createNotebookApi(notebookDir: string): NotebookApi {
  const sessions = new Map<string, Promise<ModelSession>>();
  return {
    async inspect(modelPath) {
      const summary = summarizeModelFile(path.resolve(notebookDir, modelPath));
      const shown = displayable(() => [
        { mime: MIME.modelSummary, data: JSON.stringify(summary) },
        { mime: 'text/plain', data: formatSummaryText(summary) },
      ]);
      return Object.assign(shown, { summary });
    },
    async load(modelPath, opts) {
      const file = path.resolve(notebookDir, modelPath);
      const key = `${file}|${statSync(file, { throwIfNoEntry: false })?.mtimeMs}|${JSON.stringify(opts ?? {})}`;
      let session = sessions.get(key);
      if (!session) {
        // Loaded on first use: a notebook that never runs a model never pays for onnxruntime.
        const { ModelSession } = await import('../runtime/session');
        session = ModelSession.open(file, opts);
        sessions.set(key, session);
        session.catch(() => sessions.delete(key));
      }
      return session;
    },
    features(audio, preset, sampleRate) {
      const data = toAudioData(audio, sampleRate);
      const p = getPreset(preset);
      const feats = featuresFromAudio(data, p);
      const shown = displayable(() => spectrogramOutputs(data, { preset, values: 'features', title: `${preset} features` }));
      return Object.assign(shown, feats);
    },
    async validate(modelPath, goldenPath, opts = {}) {
      const { validateModel } = await import('../pipelines/validate/validate');
      const report = await validateModel(path.resolve(notebookDir, modelPath), path.resolve(notebookDir, goldenPath), { tolerance: opts });
      const shown = displayable(() => [
        { mime: MIME.validationReport, data: JSON.stringify(report satisfies ValidationReportView) },
        { mime: 'text/plain', data: report.error ? `could not run: ${report.error}` : formatReportText(report) },
      ]);
      return Object.assign(shown, report);
    },
    async audio(audioPath) {
      const file = path.resolve(notebookDir, audioPath);
      const data = await readAudioFile(file);
      const title = path.basename(file);
      const shown = displayable(() => waveformOutputs(data, { title }));
      return Object.assign(shown, {
        path: file, sampleRate: data.sampleRate, channels: data.channels.length,
        duration: (data.channels[0]?.length ?? 0) / data.sampleRate, data,
      });
    },
    display: {
      waveform(audio, sampleRate, opts) {
        const data = toAudioData(audio, sampleRate);
        const title = opts?.title ?? (audio as AudioClip).path?.split(/[\\/]/).pop();
        return displayable(() => waveformOutputs(data, { ...opts, title }));
      },
      spectrogram(audio, opts = {}) {
        const data = toAudioData(audio, opts.sampleRate);
        const title = opts.title ?? (audio as AudioClip).path?.split(/[\\/]/).pop();
        return displayable(() => spectrogramOutputs(data, { ...opts, title }));
      },
    },
  };
}
