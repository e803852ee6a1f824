// mocha's entry for the extension host: VS Code loads this file (extensionTestsPath)
// and awaits run(). Same contract for code-server (run.ts) and @vscode/test-electron
// (electron.ts): resolve = all passed, reject = failures; the host turns that into
// the exit code the harness returns.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd', // describe/it
    color: false, // the log goes through VS Code's logger, escapes would be noise
    reporter: 'spec',
    timeout: Number(process.env.ONNX_LAB_IT_TEST_TIMEOUT_MS ?? 60_000),
    grep: process.env.ONNX_LAB_IT_GREP || undefined,
    invert: process.env.ONNX_LAB_IT_GREP_INVERT === '1',
  });
  // build.mjs emits each *.test.ts as its own *.test.js next to this file.
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(join(__dirname, f));
  await mocha.loadFilesAsync();

  // run.ts forwards the log to stdout from this line on (before it: workbench chatter).
  if (process.env.ONNX_LAB_IT_RUNNER === 'code-server') console.log('@@onnx-lab-tests-start');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
