/** Vendor mime types of ONNX Lab outputs; each renderer in package.json claims one of these. */
export const MIME = {
  modelSummary: 'application/vnd.onnx-lab.model-summary+json',
  /** Binary: docs/formats.md (src/protocol/audio-payload.ts). */
  waveform: 'application/vnd.onnx-lab.waveform',
  spectrogram: 'application/vnd.onnx-lab.spectrogram',
  /** JSON: src/protocol/validation-report.ts. */
  validationReport: 'application/vnd.onnx-lab.validation-report+json',
} as const;

export type OnnxLabMime = (typeof MIME)[keyof typeof MIME];
