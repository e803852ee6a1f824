import { css } from 'lit';

/** Colours come from VS Code's theme variables (light, dark, high contrast); fallbacks for plain pages. */
export const themeStyles = css`
  :host {
    color: var(--vscode-foreground, #1f1f1f);
    font-family: var(--vscode-font-family, system-ui, sans-serif);
    font-size: var(--vscode-font-size, 13px);
    display: block;
  }
  table { border-collapse: collapse; margin: 4px 0 12px; }
  th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid var(--vscode-editorWidget-border, #ddd); }
  th { font-weight: 600; color: var(--vscode-descriptionForeground, #555); }
  code, .mono { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); }
  h2 { font-size: 1.15em; margin: 14px 0 4px; }
  .muted { color: var(--vscode-descriptionForeground, #666); }
  button {
    background: var(--vscode-button-background, #0e639c); color: var(--vscode-button-foreground, #fff);
    border: none; padding: 4px 10px; cursor: pointer; border-radius: 2px;
  }
  button:hover { background: var(--vscode-button-hoverBackground, #1177bb); }
  input[type='search'] {
    background: var(--vscode-input-background, #fff); color: var(--vscode-input-foreground, inherit);
    border: 1px solid var(--vscode-input-border, #ccc); padding: 3px 6px; min-width: 16em;
  }
  .error {
    border-left: 3px solid var(--vscode-errorForeground, #c00); padding: 6px 10px;
    color: var(--vscode-errorForeground, #c00); background: var(--vscode-inputValidation-errorBackground, transparent);
  }
`;
