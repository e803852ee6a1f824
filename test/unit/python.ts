// Runs the project's Python (recipes/.venv) for reference values; a missing venv fails loudly.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const VENV_PYTHON = path.resolve(__dirname, '../../recipes/.venv/bin/python');

export function python(code: string, input?: string): string {
  if (!existsSync(VENV_PYTHON)) {
    throw new Error(`reference Python not found at ${VENV_PYTHON}: run scripts/setup-python.sh first`);
  }
  return execFileSync(VENV_PYTHON, ['-c', code], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}
