// Lets a test running inside the extension host ask test/integration/run.ts for a
// screenshot of the browser page. run.ts passes its artifacts dir through the
// environment of code-server, which the extension host inherits.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SCREENSHOT_MARK = '@@onnx-lab-screenshot:'; // keep in sync with run.ts

/**
 * Saves `<artifacts>/<name>.png` (the whole workbench as the user sees it) and waits
 * until the file exists. The request travels as a marked console line: the extension
 * host's console reaches the page, where run.ts listens. Returns undefined where no
 * harness can take it (e.g. under @vscode/test-electron).
 */
export async function screenshot(name: string, timeoutMs = 15_000): Promise<string | undefined> {
  const dir = process.env.ONNX_LAB_IT_ARTIFACTS;
  if (!dir) return undefined;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must be a plain file name: ${name}`);
  const file = join(dir, `${name}.png`);
  console.log(`${SCREENSHOT_MARK}${name}`);
  const until = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`the harness did not save ${file} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return file;
}
