/**
 * What cells can call, for completion, hover and signature help in notebook cells. A unit test
 * checks that this table names exactly the members `createNotebookApi` returns.
 */
export interface ApiMember {
  /** Dotted path under `onnxLab`, e.g. `display.waveform`. */
  name: string;
  signature: string;
  doc: string;
  /** A namespace (has members of its own) rather than a function. */
  namespace?: boolean;
}

export const API_REFERENCE: ApiMember[] = [
  { name: 'inspect', signature: 'inspect(modelPath: string): Promise<Displayable & { summary: ModelSummary }>', doc: 'Reads an ONNX model (path relative to the notebook) with ONNX Lab\'s own reader and shows its summary: inputs, outputs, opsets, metadata, ops, parameters. `.summary` is the plain data.' },
  { name: 'load', signature: 'load(modelPath: string, opts?: { intraOpThreads?: number; providers?: string[] }): Promise<ModelSession>', doc: 'Opens an onnxruntime-node session on a model (cached per file: re-running the cell reuses it). `.inputs` / `.outputs` list names, types and dims; `.run({ name: { type, dims, data } })` runs it. A wrong input name is an error that lists the right ones.' },
  { name: 'features', signature: 'features(audio: AudioClip | AudioData | Float32Array, preset: string, sampleRate?: number): Features', doc: 'Features of a core preset (nemo80, conette, cnn14, kws40, whisper80), exactly what a model is fed: `.data` is Float32 `[nMels, frames]`, `.validFrames` the NeMo `length`. Shown as a spectrogram.' },
  { name: 'validate', signature: 'validate(modelPath: string, goldenPath: string, opts?: { atol?: number; rtol?: number }): Promise<ValidationReport>', doc: 'Runs the model on golden inputs and compares each output with the golden outputs (ONNX backend layout, .npz, Polygraphy JSON or golden.json), with Polygraphy\'s tolerance rule. `.status`, `.cases`, per-output errors.' },
  { name: 'audio', signature: 'audio(audioPath: string): Promise<AudioClip>', doc: 'Reads an audio file (WAV, FLAC, Ogg Vorbis, MP3; path relative to the notebook) and shows its waveform. `.sampleRate`, `.channels`, `.duration`, `.data` (Float32 samples per channel).' },
  { name: 'display', signature: 'display', doc: 'Outputs drawn by ONNX Lab\'s renderers (with image/png and text/plain fallbacks).', namespace: true },
  { name: 'display.waveform', signature: 'waveform(audio: AudioClip | AudioData | Float32Array | Float32Array[], sampleRate?: number, opts?: WaveformOptions): Displayable', doc: 'A zoomable waveform with playback, time and amplitude axes, all channels.' },
  { name: 'display.spectrogram', signature: "spectrogram(audio: AudioClip | AudioData | Float32Array, opts?: { preset?: string; values?: 'db' | 'features'; scale?: 'mel' | 'linear'; waveform?: boolean; title?: string; regions?: Region[]; sampleRate?: number }): Displayable", doc: 'A spectrogram from a core feature preset (nemo80, conette, cnn14, kws40, whisper80) with the waveform above it.' },
];
