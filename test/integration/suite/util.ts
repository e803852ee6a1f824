import * as vscode from 'vscode';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync, cpSync } from 'node:fs';

/** The repository root (the suite is bundled to out/test/integration/suite/index.js). */
export const ROOT = path.resolve(__dirname, '../../../..');
export const EXTENSION_ID = 'onnx-lab.onnx-lab';

/** The extension's API (its `activate` result), activating it if needed. */
export async function onnxLab(): Promise<{
  rendered: { waitFor(view: string, uri: string, timeoutMs?: number): Promise<{ text: string }>; onDidRender: vscode.Event<{ view: string; uri: string; text: string }> };
  notebookKernel: { kernelFor(nb: vscode.NotebookDocument): { pid?: number; alive: boolean } | undefined };
}> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

/** A private copy of samples/ so tests never change the repository's files. */
export function copyOfSamples(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'onnx-lab-it-'));
  cpSync(path.join(ROOT, 'samples'), dir, { recursive: true });
  return dir;
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
