// The page of the "Open in Netron" webview, built from Netron's own index.html (its element ids and
// styles) plus ONNX Lab's host script. No vscode import: renderer tests build the same page.
import { escapeHtml } from './html-escape';

/** What the webview needs of the bundled Netron (dist/netron, made by scripts/fetch-netron.sh). */
export interface NetronBundle {
  version: string;
  /** The <style> blocks of Netron's index.html and grapher.css, without their dark-scheme rules. */
  styles: string;
  /**
   * Netron's `@media (prefers-color-scheme: dark)` rules, unwrapped: the page puts them in a style
   * element whose media the host switches with VS Code's theme, so Netron's scheme follows the
   * theme rather than the OS.
   */
  darkStyles: string;
  /** The body of Netron's index.html: the elements (ids) its view looks up, without scripts. */
  body: string;
}

/** Netron's page parts from the text of its index.html (and grapher.css); undefined when it has no body. */
export function parseNetronIndex(index: string, grapherCss = ''): NetronBundle | undefined {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(index)?.[1];
  if (!body) return undefined;
  const css = [grapherCss, ...Array.from(index.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi), (m) => m[1])].join('\n');
  const { rest, dark } = splitDarkScheme(css);
  return {
    version: /<meta name="version" content="([\d.]+)"/.exec(index)?.[1] ?? '',
    styles: rest.replace(/<\//g, '<\\/'),
    darkStyles: dark.replace(/<\//g, '<\\/'),
    // Netron's markup holds no scripts to run; drop any, with inline handlers and javascript: links
    // (the CSP would block them anyway, with a console error each).
    body: body
      .replace(/<script[\s\S]*?<\/script>/gi, '')
      .replace(/\son[a-z]+="[^"]*"/gi, '')
      .replace(/href="javascript:[^"]*"/gi, 'role="button" tabindex="0"'),
  };
}

/** Splits CSS into its `@media (prefers-color-scheme: dark) { ... }` blocks' contents and the rest. */
export function splitDarkScheme(css: string): { rest: string; dark: string } {
  const open = /@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*\{/g;
  let rest = '';
  let dark = '';
  let from = 0;
  for (let m = open.exec(css); m; m = open.exec(css)) {
    let depth = 1;
    let i = open.lastIndex;
    for (; i < css.length && depth > 0; i++) {
      if (css[i] === '{') depth++;
      else if (css[i] === '}') depth--;
    }
    rest += css.slice(from, m.index);
    dark += `${css.slice(open.lastIndex, i - 1)}\n`;
    from = open.lastIndex = i;
  }
  return { rest: rest + css.slice(from), dark };
}

export interface NetronPageOptions {
  nonce: string;
  /** The webview's `cspSource`. */
  cspSource: string;
  /** URL of dist/webview/netron-host.js as the webview sees it. */
  hostScript: string;
  /** URL of dist/netron/ as the webview sees it, ending in '/'. */
  netronBase: string;
  /** The model's file name (untrusted text). */
  name: string;
  /** Undefined when Netron is not bundled: the page then says so and offers the inspector. */
  netron: NetronBundle | undefined;
}

/**
 * The page: Netron's styles and elements, ONNX Lab's additions, and the host script. Netron's
 * index.html styles inline and sets style attributes, hence 'unsafe-inline' for styles only;
 * scripts need the nonce (Netron's modules load through imports of the nonced host script); the
 * layout worker is a blob the host builds.
 */
export function netronPageHtml(o: NetronPageOptions): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'unsafe-inline'`,
    `img-src ${o.cspSource} data: blob:`,
    `font-src ${o.cspSource}`,
    `connect-src ${o.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  const attrs = [
    ['data-netron-base', o.netronBase],
    ['data-netron-version', o.netron?.version ?? ''],
    ['data-netron-bundled', o.netron ? 'true' : 'false'],
    ['data-file-name', o.name],
  ].map(([k, v]) => `${k}="${escapeHtml(v)}"`).join(' ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Netron: ${escapeHtml(o.name)}</title>
${o.netron ? `<style>${o.netron.styles}</style>\n<style id="netron-dark-scheme" media="(prefers-color-scheme: dark)">${o.netron.darkStyles}</style>` : ''}
<style>${HOST_CSS}</style>
</head>
<body class="${o.netron ? 'welcome spinner' : ''}" ${attrs}>
${o.netron?.body ?? ''}
<script type="module" nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.hostScript)}"></script>
</body>
</html>`;
}

/** ONNX Lab's additions to Netron's page: no menu or file dialog, VS Code's colours where Netron's scheme matches the theme, the fallback. */
const HOST_CSS = `
#menu-button, #menu, #open-file-button, #open-file-dialog, #logo-github { display: none !important; }
body[data-vscode-theme-kind].default, body[data-vscode-theme-kind] .target, body[data-vscode-theme-kind].welcome { background-color: var(--vscode-editor-background); }
#onnx-lab-fallback { position: fixed; inset: 0; z-index: 10; padding: 16px 24px; overflow: auto;
  background: var(--vscode-editor-background, #fff); color: var(--vscode-editor-foreground, #333);
  font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); }
#onnx-lab-fallback p { white-space: pre-wrap; user-select: text; }
#onnx-lab-fallback button, #onnx-lab-notice button { font: inherit; color: var(--vscode-button-foreground, #fff); background: var(--vscode-button-background, #0078d4);
  border: 1px solid var(--vscode-button-border, transparent); padding: 4px 12px; cursor: pointer; }
#onnx-lab-fallback button:hover, #onnx-lab-notice button:hover { background: var(--vscode-button-hoverBackground, #026ec1); }
#onnx-lab-notice { position: fixed; top: 8px; left: 50%; transform: translateX(-50%); z-index: 9; display: flex; gap: 12px; align-items: center;
  padding: 6px 12px; font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-notifications-foreground, #333); background: var(--vscode-notifications-background, #f3f3f3);
  border: 1px solid var(--vscode-notifications-border, transparent); }
`;
