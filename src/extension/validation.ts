import * as vscode from 'vscode';
import path from 'node:path';
import { fork } from 'node:child_process';
import { discoverGoldens, formatReportText, type CaseReport, type ValidationReport } from '../core/validate';
import type { RenderedViews } from './rendered-events';
import { webviewHtml, webviewOptions } from './webview-html';

/**
 * Runs `onnx-lab validate` in a child process: onnxruntime, a native crash or a runaway model stay
 * out of the extension host, and cancelling kills the process.
 */
export function runValidation(cliScript: string, model: string, golden: string, token?: vscode.CancellationToken): Promise<ValidationReport> {
  return new Promise((resolve, reject) => {
    const child = fork(cliScript, ['validate', model, golden, '--json'], { silent: true, execArgv: [], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => (out += b));
    child.stderr?.on('data', (b: Buffer) => (err += b));
    const cancel = token?.onCancellationRequested(() => child.kill('SIGKILL'));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      cancel?.dispose();
      if (token?.isCancellationRequested) return reject(new vscode.CancellationError());
      try {
        resolve(JSON.parse(out) as ValidationReport);
      } catch {
        reject(new Error(err.trim().split('\n').pop() || `onnx-lab validate ended (${signal ?? `exit ${code}`}) without a report`));
      }
    });
  });
}

function caseMessage(c: CaseReport): string {
  if (c.error) return c.error;
  return c.outputs
    .filter((o) => o.status !== 'pass')
    .map((o) => `${o.name}: ${o.reason ?? o.status} (max abs ${o.maxAbsError.toExponential(2)}, max rel ${o.maxRelError.toExponential(2)}, ${o.mismatches} of ${o.elements} beyond atol ${o.tolerance.atol} / rtol ${o.tolerance.rtol}; passes with atol ≥ ${o.minAtol.toExponential(2)})`)
    .join('\n');
}

/**
 * Golden sets beside models become tests in the Test Explorer (one per set, one child per case),
 * and "Validate Against Golden Outputs" runs one set with progress and a report.
 */
export class GoldenValidation implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('onnxLab.goldens', 'ONNX golden outputs');
  private readonly disposables: vscode.Disposable[] = [this.controller];

  constructor(
    private readonly cliScript: string,
    private readonly extensionUri: vscode.Uri,
    private readonly rendered: RenderedViews,
  ) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = async () => {
      await this.discover();
    };
    this.controller.createRunProfile('Validate', vscode.TestRunProfileKind.Run, async (req, token) => {
      await this.run(req, token);
    }, true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.{onnx,npz,json,pb}');
    const rediscover = () => void this.discover();
    this.disposables.push(
      watcher, watcher.onDidCreate(rediscover), watcher.onDidDelete(rediscover),
      vscode.commands.registerCommand('onnxLab.validateModel', (uri?: vscode.Uri) => this.validateCommand(uri)),
    );
  }

  /** Finds models with golden sets in the workspace; returns the number of golden sets. */
  async discover(): Promise<number> {
    const models = await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 2000);
    const items: vscode.TestItem[] = [];
    for (const uri of models) {
      const goldens = discoverGoldens(uri.fsPath);
      if (!goldens.length) continue;
      const modelItem = this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
      for (const g of goldens) {
        const set = this.controller.createTestItem(`${uri.toString()}|${g.path}`, path.relative(path.dirname(uri.fsPath), g.path) || path.basename(g.path), vscode.Uri.file(g.path));
        set.description = g.why;
        modelItem.children.add(set);
      }
      items.push(modelItem);
    }
    this.controller.items.replace(items);
    return items.reduce((n, i) => n + i.children.size, 0);
  }

  /** Runs the requested tests; returns the reports (for callers and tests). */
  async run(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<ValidationReport[]> {
    const run = this.controller.createTestRun(req);
    const sets: vscode.TestItem[] = [];
    const add = (item: vscode.TestItem) => (item.id.includes('|') ? sets.push(item) : item.children.forEach((c) => sets.push(c)));
    if (req.include) req.include.forEach(add);
    else this.controller.items.forEach(add);
    const reports: ValidationReport[] = [];
    if (!vscode.workspace.isTrusted) {
      // Running a model means running native code on it: not in Restricted Mode.
      for (const set of sets) run.errored(set, new vscode.TestMessage('ONNX Lab runs models only in a trusted workspace. Trust this folder to validate.'));
      run.end();
      return reports;
    }
    for (const set of sets) {
      if (token.isCancellationRequested) break;
      const [modelUri, golden] = set.id.split('|');
      run.started(set);
      try {
        const report = await runValidation(this.cliScript, vscode.Uri.parse(modelUri).fsPath, golden, token);
        reports.push(report);
        run.appendOutput(formatReportText(report).replace(/\n/g, '\r\n') + '\r\n', undefined, set);
        for (const c of report.cases) {
          const child = set.children.get(`${set.id}|${c.name}`) ?? this.controller.createTestItem(`${set.id}|${c.name}`, c.name, set.uri);
          set.children.add(child);
          if (c.status === 'pass') run.passed(child, c.ms);
          else if (c.status === 'fail') run.failed(child, new vscode.TestMessage(caseMessage(c)), c.ms);
          else run.errored(child, new vscode.TestMessage(caseMessage(c)), c.ms);
        }
        if (report.error) run.errored(set, new vscode.TestMessage(report.error));
        else if (report.status === 'pass') run.passed(set, report.ms);
        else run.failed(set, new vscode.TestMessage(`${report.counts.fail} failed, ${report.counts.error} could not run, of ${report.cases.length} case(s)`), report.ms);
      } catch (e) {
        if (e instanceof vscode.CancellationError) run.skipped(set);
        else run.errored(set, new vscode.TestMessage((e as Error).message));
      }
    }
    run.end();
    return reports;
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  /** The report in a webview beside the editor (tables per case; the same view as the notebook output). */
  private showReport(model: vscode.Uri, report: ValidationReport): void {
    const panel = vscode.window.createWebviewPanel('onnxLab.validationReport', `Validation: ${path.basename(model.fsPath)}`, vscode.ViewColumn.Beside, webviewOptions(this.extensionUri));
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'validation-report.js', `Validation of ${path.basename(model.fsPath)}`);
    panel.webview.onDidReceiveMessage((m: { type: string; text?: string }) => {
      if (m.type === 'ready') void panel.webview.postMessage({ type: 'report', report: JSON.parse(JSON.stringify(report)) });
      else if (m.type === 'rendered') this.rendered.report({ view: 'validation-report', uri: model.toString(), text: m.text ?? '' });
    });
  }

  private async validateCommand(uri?: vscode.Uri): Promise<ValidationReport | undefined> {
    const model = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('ONNX Lab runs models only in a trusted workspace. Trust this folder to validate.');
      return undefined;
    }
    if (!model || model.scheme !== 'file') {
      void vscode.window.showErrorMessage('ONNX Lab: choose a local .onnx file to validate.');
      return undefined;
    }
    const found = discoverGoldens(model.fsPath);
    let golden: string | undefined;
    if (found.length === 1) golden = found[0].path;
    else if (found.length > 1) {
      golden = (await vscode.window.showQuickPick(found.map((g) => ({ label: path.relative(path.dirname(model.fsPath), g.path) || '.', description: g.why, path: g.path })), { title: 'Golden outputs to compare with' }))?.path;
    } else {
      const picked = await vscode.window.showOpenDialog({ title: 'Golden outputs (test_data_set_N folder, .npz, Polygraphy JSON or golden.json)', canSelectFolders: true, canSelectFiles: true, defaultUri: vscode.Uri.file(path.dirname(model.fsPath)) });
      golden = picked?.[0]?.fsPath;
    }
    if (!golden) return undefined;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Validating ${path.basename(model.fsPath)}`, cancellable: true },
      (_p, token) => runValidation(this.cliScript, model.fsPath, golden!, token),
    ).then(undefined, (e: Error) => {
      if (!(e instanceof vscode.CancellationError)) void vscode.window.showErrorMessage(`ONNX Lab: validation could not run: ${e.message}`);
      return undefined;
    });
    if (!report) return undefined;
    this.showReport(model, report);
    const verdict = report.error ? `could not run: ${report.error}` : `${report.status.toUpperCase()}: ${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.error} could not run`;
    void (report.status === 'pass' ? vscode.window.showInformationMessage(`ONNX Lab: ${verdict}`) : vscode.window.showWarningMessage(`ONNX Lab: ${verdict}`));
    return report;
  }
}
