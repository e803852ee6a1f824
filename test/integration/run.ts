// Runs the mocha integration suite inside the extension host of a real VS Code:
// code-server (installed by scripts/setup-code-server.sh) with the VSIX installed into a
// fresh extensions dir, driven by headless Debian Chromium through playwright-core.
//
//   node --import tsx test/integration/run.ts --vsix dist/onnx-lab-linux-x64.vsix \
//     --tests out/test/integration/suite/index.js [--workspace DIR] [--artifacts DIR]
//
// Exit code: mocha's (0 all passed, 1 failures or a suite that fails to load), 124 on the
// overall timeout, 130 when interrupted, 2 on harness errors (bad arguments, the VSIX
// would not install, code-server/Chromium would not start).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CODE_SERVER_VERSION = '4.100.3';
const DEFAULT_CODE_SERVER = join(ROOT, '.tools/code-server/node_modules/code-server/out/node/entry.js');
// Console lines the suite prints for the harness; keep in sync with suite/harness.ts
// and suite/index.ts.
const SCREENSHOT_MARK = '@@onnx-lab-screenshot:';
const TESTS_START_MARK = '@@onnx-lab-tests-start';

// Offline and deterministic: no gallery/update checks, no welcome pages, no tips.
const USER_SETTINGS = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

// Quiet offline Chromium (from the machine notes); --no-sandbox because CI runs as root.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

class HarnessError extends Error {}

interface Options {
  vsix: string;
  tests: string;
  workspace?: string;
  artifacts: string;
  timeoutS: number;
  codeServer: string;
  chromium: string;
  keep: boolean;
  verbose: boolean;
  /** Workspace trust on and the workspace left untrusted (Restricted Mode). */
  untrusted: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      vsix: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      artifacts: { type: 'string', default: 'test-results/integration' },
      timeout: { type: 'string', default: '600' },
      'code-server': { type: 'string', default: process.env.ONNX_LAB_CODE_SERVER ?? DEFAULT_CODE_SERVER },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      untrusted: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'usage: node --import tsx test/integration/run.ts --vsix FILE.vsix --tests suite/index.js\n' +
        '         [--workspace DIR] [--artifacts DIR] [--timeout SECONDS] [--code-server entry.js]\n' +
        '         [--chromium PATH] [--keep (keep temp dir)] [--verbose (code-server log to stderr)]\n' +
        '         [--untrusted (workspace trust on, the workspace untrusted: Restricted Mode)]\n' +
        'env: ONNX_LAB_IT_GREP=pattern (mocha grep), ONNX_LAB_IT_TEST_TIMEOUT_MS (per test)',
    );
    process.exit(0);
  }
  if (!values.vsix || !values.tests) throw new HarnessError('--vsix and --tests are required (see --help)');
  const file = (p: string, what: string) => {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new HarnessError(`${what} not found: ${abs}`);
    return abs;
  };
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) throw new HarnessError(`--timeout must be a positive number of seconds: ${values.timeout}`);
  const workspace = values.workspace ? file(values.workspace, 'workspace') : undefined;
  if (workspace && !statSync(workspace).isDirectory()) throw new HarnessError(`--workspace is not a directory: ${workspace}`);
  return {
    vsix: file(values.vsix, 'VSIX'),
    tests: file(values.tests, 'tests entry'),
    workspace,
    artifacts: resolve(values.artifacts),
    timeoutS,
    codeServer: file(values['code-server'], 'code-server (run scripts/setup-code-server.sh)'),
    chromium: file(values.chromium, 'Chromium'),
    keep: values.keep,
    verbose: values.verbose,
    untrusted: values.untrusted,
  };
}

const t0 = Date.now();
function say(msg: string): void {
  process.stderr.write(`[integration ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** Everything that must be torn down, whatever happens. */
class Resources {
  tmp?: string;
  server?: ChildProcess;
  context?: BrowserContext;
  private cleaning?: Promise<void>;

  /** Idempotent: a second caller (signal handler vs. main's finally) awaits the first. */
  cleanup(keep: boolean): Promise<void> {
    this.cleaning ??= (async () => {
      await this.context?.close().catch(() => undefined);
      await stopProcessGroup(this.server);
      if (this.tmp && !keep) rmSync(this.tmp, { recursive: true, force: true, maxRetries: 3 });
      else if (this.tmp) say(`kept ${this.tmp}`);
    })();
    return this.cleaning;
  }
}

/** code-server forks its extension host, pty host and file watcher: kill the whole group. */
async function stopProcessGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // stragglers that outlived the group leader
}

function codeServerEnv(tmp: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Keep code-server out of ~/.config and ~/.local/share (it writes config.yaml and logs).
    XDG_CONFIG_HOME: join(tmp, 'xdg/config'),
    XDG_DATA_HOME: join(tmp, 'xdg/data'),
    XDG_CACHE_HOME: join(tmp, 'xdg/cache'),
    XDG_STATE_HOME: join(tmp, 'xdg/state'),
    // The extension host inherits this: whatever tests put in os.tmpdir() goes with
    // the run's temp dir.
    TMPDIR: join(tmp, 'tmp'),
    // No extension gallery at all (code-server would query open-vsx.org, which is
    // unreachable here and only adds errors to the log); tests install from the VSIX.
    EXTENSIONS_GALLERY: '{}',
    // Make sure a password from the caller's environment does not turn auth on.
    PASSWORD: '',
    HASHED_PASSWORD: '',
    ...extra,
  };
}

function installVsix(opts: Options, tmp: string, userData: string, extensions: string): void {
  say(`installing ${opts.vsix} into a fresh extensions dir`);
  const r = spawnSync(
    process.execPath,
    [opts.codeServer, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', opts.vsix],
    { env: codeServerEnv(tmp, {}), encoding: 'utf8', timeout: 120_000 },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // code-server exits 0 even for some failures; trust the message it prints on success.
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new HarnessError(`installing the VSIX failed (exit ${r.status}):\n${out}`);
  }
  say(out.trim().split('\n').filter((l) => /installed/i.test(l)).join(' | '));
}

async function startCodeServer(
  opts: Options,
  res: Resources,
  userData: string,
  extensions: string,
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const log = createWriteStream(artifact(opts.artifacts, 'code-server.log'));
  const args = [
    opts.codeServer,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  // detached: own process group, so cleanup can kill its children too.
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  res.server = child;
  for (const s of [child.stdout, child.stderr]) {
    s?.pipe(log, { end: false });
    if (opts.verbose) s?.pipe(process.stderr, { end: false });
  }
  const exited = new Promise<never>((_, rej) =>
    child.once('exit', (code, sig) =>
      rej(new HarnessError(`code-server exited early (${code ?? sig}); see ${join(opts.artifacts, 'code-server.log')}`)),
    ),
  );
  exited.catch(() => undefined); // only awaited while starting
  const healthy = (async () => {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (r.ok) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new HarnessError('code-server did not answer /healthz within 60 s');
  })();
  await Promise.race([healthy, exited]);
  say(`code-server ${CODE_SERVER_VERSION} up on 127.0.0.1:${port}`);
}

function workbenchUrl(port: number, hostDir: string, tests: string, workspace: string | undefined): string {
  // The CLI has no --extensionTestsPath; the web workbench takes both paths from the
  // `payload` query. extensionTestsPath is only honoured in extension-development mode,
  // hence the do-nothing host extension as extensionDevelopmentPath.
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(hostDir)],
    ['extensionTestsPath', remote(tests)],
  ];
  const q = new URLSearchParams();
  if (workspace) q.set('folder', workspace);
  else q.set('ew', 'true'); // empty window
  q.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${q.toString()}`;
}

/**
 * VS Code hands codeAutomationLog the console.log arguments of the extension host
 * (printf-style: mocha's reporter logs '%d passing (%s)', n, t), so format them the
 * way node's console would.
 */
function formatLogArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return format(...list);
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const res = new Resources();
  let exitCode = 2;
  let timedOut = false;

  let interrupted = false;
  let printEarlyLog: (() => void) | undefined;
  let page: Page | undefined;

  // Every long wait below races this, so a timeout or a signal ends the run at once.
  let abort!: (why: string) => void;
  const aborted = new Promise<never>((_, rej) => (abort = (why) => rej(new HarnessError(why))));
  aborted.catch(() => undefined);
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, aborted]);

  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return; // a second Ctrl-C while cleaning up
    interrupted = true;
    say(`got ${sig}, cleaning up`);
    abort(`interrupted by ${sig}`);
    void res.cleanup(opts.keep).finally(() => process.exit(130));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);

  const timeout = setTimeout(() => {
    timedOut = true;
    abort(`overall timeout of ${opts.timeoutS} s reached`);
  }, opts.timeoutS * 1000);

  try {
    mkdirSync(opts.artifacts, { recursive: true });
    clearOldArtifacts(opts.artifacts);
    const tmp = mkdtempSync(join(tmpdir(), 'onnx-lab-it-'));
    res.tmp = tmp;
    const userData = join(tmp, 'user-data');
    const extensions = join(tmp, 'extensions');
    const profile = join(tmp, 'chromium-profile');
    for (const d of [join(userData, 'User'), join(userData, 'Machine'), extensions, profile, join(tmp, 'tmp')]) mkdirSync(d, { recursive: true });
    // code-server reads user settings from <user-data>/User; Machine holds remote settings.
    const settings = JSON.stringify({ ...USER_SETTINGS, 'security.workspace.trust.enabled': opts.untrusted, 'security.workspace.trust.startupPrompt': 'never' }, null, 2);
    writeFileSync(join(userData, 'User/settings.json'), settings);
    writeFileSync(join(userData, 'Machine/settings.json'), settings);

    installVsix(opts, tmp, userData, extensions);

    const port = await freePort();
    const env = codeServerEnv(tmp, {
      // Read by the tests through the extension host, which inherits this environment.
      ONNX_LAB_IT_ARTIFACTS: opts.artifacts,
      ONNX_LAB_IT_EXTENSIONS_DIR: extensions,
      ONNX_LAB_IT_RUNNER: 'code-server',
    });
    await guard(startCodeServer(opts, res, userData, extensions, port, env));

    res.context = await guard(chromium.launchPersistentContext(profile, {
      executablePath: opts.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1600, height: 1000 },
      acceptDownloads: false,
      // Crash reports and caches under the run's temp dir, not ~/.config/chromium.
      env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'xdg/chromium-config'), XDG_CACHE_HOME: join(tmp, 'xdg/chromium-cache') },
      // Our own signal handler closes the browser; playwright's would call
      // process.exit(130) first and cut our cleanup short (code-server, temp dir).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    }));
    const context = res.context;
    page = context.pages()[0] ?? (await context.newPage());
    const thePage = page;
    const browserLog = createWriteStream(artifact(opts.artifacts, 'browser-console.log'));
    page.on('console', (m) => browserLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => browserLog.write(`[pageerror] ${e.stack ?? e.message}\n`));

    let screenshots: Promise<unknown> = Promise.resolve();
    let resolveExit!: (code: number) => void;
    const result = new Promise<number>((ok) => (resolveExit = ok));
    // The workbench calls these when it runs under automation (IAutomatedWindow):
    // the extension host's exit code, and its console output (mocha's reporter).
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    // The workbench's own info lines arrive here too, mixed with the extension host's
    // console; all go to workbench.log, and to stdout from the suite's start mark on.
    // If the suite never starts, the lines before are printed to help find out why.
    const workbenchLog = createWriteStream(artifact(opts.artifacts, 'workbench.log'));
    const beforeStart: string[] = [];
    let started = false;
    printEarlyLog = () => {
      if (!started && beforeStart.length) process.stderr.write(`--- workbench log ---\n${beforeStart.join('\n')}\n---\n`);
    };
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = formatLogArgs(args);
      workbenchLog.write(`[${type}] ${text}\n`);
      if (text === TESTS_START_MARK) {
        started = true;
        return;
      }
      if (!started) {
        beforeStart.push(text);
        return;
      }
      const mark = text.indexOf(SCREENSHOT_MARK);
      if (mark >= 0) {
        const name = text.slice(mark + SCREENSHOT_MARK.length).trim().split(/\s/)[0];
        if (/^[\w.-]+$/.test(name)) {
          // Chained, so screenshots are taken in the order asked.
          screenshots = screenshots.then(() => saveScreenshot(thePage, opts.artifacts, name));
        }
        return;
      }
      (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    });

    const hostDir = join(HERE, 'host');
    const url = workbenchUrl(port, hostDir, opts.tests, opts.workspace);
    say(`opening the workbench${opts.workspace ? ` on ${opts.workspace}` : ''}; tests: ${opts.tests}`);
    await guard(page.goto(url, { waitUntil: 'domcontentloaded' }));

    exitCode = await guard(result);
    say(`extension host exited with ${exitCode} (${exitCode === 0 ? 'all tests passed' : 'failures'})`);
    if (exitCode !== 0) printEarlyLog?.();
    await screenshots.catch(() => undefined);
    await saveScreenshot(page, opts.artifacts, exitCode === 0 ? 'final' : 'final-failed');
  } catch (e) {
    if (interrupted) return 130; // the signal handler cleans up and exits
    printEarlyLog?.();
    if (e instanceof HarnessError) say(`error: ${e.message}`);
    else say(`error: ${(e as Error).stack ?? String(e)}`);
    exitCode = timedOut ? 124 : 2;
    if (page && !page.isClosed()) await saveScreenshot(page, opts.artifacts, timedOut ? 'timeout' : 'error');
  } finally {
    clearTimeout(timeout);
    // VS Code's own logs (extension host, server) help when something fails.
    if (res.tmp) {
      const logs = join(res.tmp, 'user-data/logs');
      if (existsSync(logs)) cpSync(logs, artifact(opts.artifacts, 'vscode-logs'), { recursive: true });
    }
    await res.cleanup(opts.keep);
    writeManifest(opts.artifacts);
  }
  say(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${opts.artifacts}`);
  return interrupted ? 130 : exitCode;
}

// What this run wrote into the artifacts dir, recorded there so the next run removes
// exactly those files and nothing else (the dir may be one the caller also uses).
const MANIFEST = '.integration-artifacts.json';
const written = new Set<string>();
function artifact(dir: string, name: string): string {
  written.add(name);
  return join(dir, name);
}

function clearOldArtifacts(dir: string): void {
  const manifest = join(dir, MANIFEST);
  if (!existsSync(manifest)) return;
  try {
    for (const name of JSON.parse(readFileSync(manifest, 'utf8')) as unknown[]) {
      if (typeof name === 'string' && /^[\w.-]+$/.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
    }
  } catch {
    /* unreadable manifest: leave the files */
  }
  rmSync(manifest, { force: true });
}

function writeManifest(dir: string): void {
  writeFileSync(join(dir, MANIFEST), JSON.stringify([...written].sort(), null, 1));
}

async function saveScreenshot(page: Page, dir: string, name: string): Promise<void> {
  const file = artifact(dir, `${name}.png`);
  const partial = `${file}.part`;
  try {
    await page.screenshot({ path: partial, type: 'png', timeout: 10_000 });
    // Rename, so a test polling for the file never sees half of it.
    renameSync(partial, file);
    say(`screenshot ${file}`);
  } catch (e) {
    say(`screenshot ${name} failed: ${(e as Error).message}`);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    say(`error: ${e instanceof HarnessError ? e.message : ((e as Error).stack ?? String(e))}`);
    process.exit(2);
  },
);
