import { OnnxLabError } from '../core/errors';

export interface ParsedArgs {
  positional: string[];
  values: Record<string, string>;
  flags: Record<string, boolean>;
}

/** `--name value` / `--name=value` for declared values, `--flag` for declared flags; anything else is an error. */
export function parseArgs(argv: string[], spec: { values?: string[]; flags?: string[] }): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: {}, flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags?.includes(name) && eq < 0) out.flags[name] = true;
    else if (spec.values?.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new OnnxLabError('cli.usage', `--${name} needs a value`);
      out.values[name] = v;
    } else throw new OnnxLabError('cli.usage', `unknown option ${a}`);
  }
  return out;
}
