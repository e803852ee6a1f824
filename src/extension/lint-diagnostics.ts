import * as vscode from 'vscode';
import path from 'node:path';
import { isOnnxLabError } from '../core/errors';
import { lintModel, parseCard, summarizeModelBytes, type Finding, type ModelCard } from '../core/onnx';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A diagnostic that carries its finding, so the Quick Fix knows the mechanical replacement. */
class FindingDiagnostic extends vscode.Diagnostic {
  constructor(range: vscode.Range, readonly finding: Finding) {
    super(range, finding.message, SEVERITY[finding.severity]);
    this.source = 'ONNX Lab';
    this.code = finding.rule;
  }
}

/** A card is `card.json` or `*.card.json`; its model is `"model"` (relative) or the one .onnx beside it. */
export function isCardFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && /(^|[./])card\.json$/.test(path.basename(uri.fsPath));
}

/**
 * Lint results in the Problems panel: on the .onnx file when it is opened, and on model cards when
 * they are opened or saved (with Quick Fixes that rename a binding to the model's name).
 */
export class LintDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('onnx-lab');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    const lintIfCard = (doc: vscode.TextDocument) => {
      if (isCardFile(doc.uri)) void this.lintCard(doc);
    };
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(lintIfCard),
      vscode.workspace.onDidSaveTextDocument(lintIfCard),
      vscode.workspace.onDidCloseTextDocument((doc) => isCardFile(doc.uri) && this.collection.delete(doc.uri)),
      vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*card.json' }, this, { providedCodeActionKinds: LintDiagnostics.providedCodeActionKinds }),
    );
    vscode.workspace.textDocuments.forEach(lintIfCard);
  }

  /** Lints a model file on its own (no card) and shows the findings on it. */
  async lintModelFile(uri: vscode.Uri, bytes: Uint8Array): Promise<Finding[]> {
    let findings: Finding[];
    try {
      const summary = summarizeModelBytes(bytes, { file: uri.fsPath, baseDir: uri.scheme === 'file' ? path.dirname(uri.fsPath) : undefined });
      findings = lintModel(summary, { modelFile: uri.scheme === 'file' ? uri.fsPath : undefined });
    } catch (e) {
      if (!isOnnxLabError(e)) throw e;
      findings = [{ rule: e.code, severity: 'error', target: 'model', message: e.message }];
    }
    const top = new vscode.Range(0, 0, 0, 0);
    this.collection.set(uri, findings.map((f) => new FindingDiagnostic(top, f)));
    return findings;
  }

  async lintCard(doc: vscode.TextDocument): Promise<Finding[]> {
    const text = doc.getText();
    let findings: Finding[];
    try {
      const json = JSON.parse(text) as { model?: unknown };
      const card: ModelCard = parseCard(json, doc.uri.fsPath);
      const model = await this.modelOfCard(doc.uri, typeof json.model === 'string' ? json.model : undefined);
      const bytes = await vscode.workspace.fs.readFile(model);
      const summary = summarizeModelBytes(bytes, { file: model.fsPath, baseDir: path.dirname(model.fsPath) });
      findings = lintModel(summary, { card, cardFile: doc.uri.fsPath, modelFile: model.fsPath });
    } catch (e) {
      const message = isOnnxLabError(e) || e instanceof SyntaxError || e instanceof vscode.FileSystemError ? (e as Error).message : `internal error: ${(e as Error).message}`;
      findings = [{ rule: isOnnxLabError(e) ? e.code : 'card.invalid', severity: 'error', target: 'card', message }];
    }
    this.collection.set(doc.uri, findings.map((f) => new FindingDiagnostic(rangeOf(doc, f), f)));
    return findings;
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d): d is FindingDiagnostic => d instanceof FindingDiagnostic && !!d.finding.suggestion)
      .map((d) => {
        const { replace, with: replacement } = d.finding.suggestion!;
        const action = new vscode.CodeAction(`Rename '${replace}' to '${replacement}' (the model's name)`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = true;
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(doc.uri, d.range, JSON.stringify(replacement));
        return action;
      });
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }

  private async modelOfCard(card: vscode.Uri, declared: string | undefined): Promise<vscode.Uri> {
    const dir = vscode.Uri.file(path.dirname(card.fsPath));
    if (declared) return vscode.Uri.joinPath(dir, declared);
    const models = (await vscode.workspace.fs.readDirectory(dir)).filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.onnx'));
    if (models.length !== 1) {
      throw new Error(`the card names no "model" and its folder has ${models.length} .onnx files; add "model": "FILE.onnx"`);
    }
    return vscode.Uri.joinPath(dir, models[0][0]);
  }
}

/** Where in the card a finding points: the quoted name it replaces or names, else the top. */
function rangeOf(doc: vscode.TextDocument, f: Finding): vscode.Range {
  const text = doc.getText();
  const name = f.suggestion?.replace ?? f.target.split(':').slice(1).join(':');
  const at = name ? text.indexOf(JSON.stringify(name)) : -1;
  if (at < 0) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(doc.positionAt(at), doc.positionAt(at + JSON.stringify(name).length));
}
