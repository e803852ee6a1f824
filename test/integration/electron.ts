// The same integration suite under desktop VS Code via @vscode/test-electron, for
// machines that can download VS Code (it cannot run on the offline CI machine, where
// run.ts + code-server is used instead). Like run.ts it installs the VSIX into a fresh
// extensions dir, so the tests exercise what a user installs.
//
//   node test/integration/build.mjs
//   xvfb-run -a node --import tsx test/integration/electron.ts --vsix dist/onnx-lab-linux-x64.vsix \
//     [--tests out/test/integration/suite/index.js] [--version 1.100.3] [--workspace DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  downloadAndUnzipVSCode,
  resolveCliArgsFromVSCodeExecutablePath,
  runTests,
  TestRunFailedError,
} from '@vscode/test-electron';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      vsix: { type: 'string' },
      tests: { type: 'string', default: join(ROOT, 'out/test/integration/suite/index.js') },
      // The version code-server 4.100.3 embeds, so both runners test the same VS Code.
      version: { type: 'string', default: '1.100.3' },
      workspace: { type: 'string' },
    },
  });
  if (!values.vsix) throw new Error('--vsix is required');
  const vsix = resolve(values.vsix);
  const tests = resolve(values.tests);
  for (const f of [vsix, tests]) if (!existsSync(f)) throw new Error(`not found: ${f}`);

  const tmp = mkdtempSync(join(tmpdir(), 'onnx-lab-it-electron-'));
  const userData = join(tmp, 'user-data');
  const extensions = join(tmp, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  writeFileSync(
    join(userData, 'User/settings.json'),
    JSON.stringify({
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
    }),
  );

  try {
    const vscodeExecutablePath = await downloadAndUnzipVSCode(values.version);
    // Only the CLI path: the profile dirs test-electron would add are replaced by ours.
    const [cli] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    const install = spawnSync(
      cli,
      ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix],
      { stdio: 'inherit', shell: process.platform === 'win32' },
    );
    if (install.status !== 0) throw new Error(`installing ${vsix} failed (exit ${install.status})`);

    const launchArgs = [
      ...(values.workspace ? [resolve(values.workspace)] : []),
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ];
    return await runTests({
      vscodeExecutablePath,
      // Empty host extension: VS Code only runs extensionTestsPath in extension
      // development mode; the extension under test is the installed VSIX.
      extensionDevelopmentPath: join(HERE, 'host'),
      extensionTestsPath: tests,
      launchArgs,
      extensionTestsEnv: { ONNX_LAB_IT_EXTENSIONS_DIR: extensions, ONNX_LAB_IT_RUNNER: 'electron' },
    });
  } catch (e) {
    if (e instanceof TestRunFailedError) return typeof e.code === 'number' ? e.code : 1;
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`integration (electron): ${(e as Error).message}`);
    process.exit(2);
  },
);
