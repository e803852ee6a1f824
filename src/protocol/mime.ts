/** Vendor mime types of ONNX Lab outputs; each renderer in package.json claims one of these. */
export const MIME = {
  modelSummary: 'application/vnd.onnx-lab.model-summary+json',
} as const;

export type OnnxLabMime = (typeof MIME)[keyof typeof MIME];
