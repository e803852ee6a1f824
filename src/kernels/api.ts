import path from 'node:path';
import { MIME } from '../protocol/mime';
import { summarizeModelFile } from '../core/onnx/summary';
import { formatSummaryText } from '../core/onnx/format';
import { displayable, type Displayable } from './display';
import type { ModelSession, SessionOptions } from '../runtime/session';
import { readAudioFile, type AudioData } from '../core/audio';
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
  /** Opens an onnxruntime session on a model (path relative to the notebook): `.inputs`, `.outputs`, `.run(feeds)`. */
  load(modelPath: string, opts?: SessionOptions): Promise<ModelSession>;
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
      // Loaded on first use: a notebook that never runs a model never pays for onnxruntime.
      const { ModelSession } = await import('../runtime/session');
      return ModelSession.open(path.resolve(notebookDir, modelPath), opts);
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
