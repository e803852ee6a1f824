import * as vscode from 'vscode';
import { API_REFERENCE, type ApiMember } from '../kernels/api-reference';

const CELLS: vscode.DocumentSelector = [
  { notebookType: 'jupyter-notebook', language: 'typescript' },
  { notebookType: 'jupyter-notebook', language: 'javascript' },
];

/** `onnxLab.display.` → `display`: the dotted path typed before the cursor, if it starts at the API. */
function apiPathBefore(doc: vscode.TextDocument, pos: vscode.Position): string | undefined {
  const line = doc.lineAt(pos.line).text.slice(0, pos.character);
  const m = /\bonnxLab((?:\.[A-Za-z_$][\w$]*)*)\.([A-Za-z_$][\w$]*)?$/.exec(line);
  return m ? m[1].replace(/^\./, '') : undefined;
}

function item(member: ApiMember, prefix: string): vscode.CompletionItem {
  const label = prefix ? member.name.slice(prefix.length + 1) : member.name;
  const it = new vscode.CompletionItem(label, member.namespace ? vscode.CompletionItemKind.Module : vscode.CompletionItemKind.Function);
  it.detail = member.signature;
  it.documentation = new vscode.MarkdownString(member.doc);
  return it;
}

/**
 * Completion and hover for the `onnxLab` API in notebook cells. The TypeScript service sees each
 * cell alone, so it cannot know the kernel's global; ONNX Lab answers for it from one table.
 */
export function registerCellCompletions(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(CELLS, {
      provideCompletionItems(doc, pos) {
        const prefix = apiPathBefore(doc, pos);
        if (prefix === undefined) return undefined;
        const depth = prefix ? prefix.split('.').length + 1 : 1;
        return API_REFERENCE.filter((m) => m.name.split('.').length === depth && (prefix === '' || m.name.startsWith(prefix + '.'))).map((m) => item(m, prefix));
      },
    }, '.'),
    vscode.languages.registerHoverProvider(CELLS, {
      provideHover(doc, pos) {
        const range = doc.getWordRangeAtPosition(pos, /onnxLab(?:\.[A-Za-z_$][\w$]*)+/);
        if (!range) return undefined;
        const full = doc.getText(range).replace(/^onnxLab\./, '');
        const word = doc.getText(doc.getWordRangeAtPosition(pos));
        // The member under the cursor: the dotted path up to and including the hovered word.
        const parts = full.split('.');
        const name = parts.slice(0, parts.indexOf(word) + 1).join('.');
        const m = API_REFERENCE.find((x) => x.name === name);
        if (!m) return undefined;
        return new vscode.Hover([new vscode.MarkdownString().appendCodeblock(m.signature, 'typescript'), new vscode.MarkdownString(m.doc)]);
      },
    }),
  );
}
