/** Messages from the notebook renderer to the extension (`requiresMessaging: optional`). */
export type RendererMessage = { type: 'rendered'; outputId: string; mime: string; text: string };

export const RENDERER_ID = 'onnx-lab-renderer';
