import { transformSync } from 'esbuild';
import { parse, type Node, type Program, type Pattern } from 'acorn';
import type { CellLanguage } from '../protocol/kernel';

/**
 * Compiles a cell into the body of an async function that keeps REPL semantics:
 * top-level declarations become globals (visible to later cells, and a re-run `const` does not
 * fail), top-level `await` works, `import` becomes `require`, and the last expression is returned.
 */
export function compileCell(source: string, language: CellLanguage, cellName = 'cell'): string {
  const js = toScript(source, language, cellName);
  let program: Program;
  try {
    program = parse(js, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: false });
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new SyntaxError(`${loc ? `${cellName}:${loc.line}:${loc.column + 1}: ` : ''}${(e as Error).message.replace(/ \(\d+:\d+\)$/, '')}`);
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const hoisted: string[] = [];
  const body = program.body;
  for (const [i, stmt] of body.entries()) {
    const last = i === body.length - 1;
    if (stmt.type === 'VariableDeclaration') {
      // `const {a, b} = x;` → `({a, b} = x);` assigning globals (the function body is sloppy mode).
      const parts = stmt.declarations.map((d) => {
        const target = js.slice(d.id.start, d.id.end);
        const init = d.init ? js.slice(d.init.start, d.init.end) : 'undefined';
        return `(${target} = ${init})`;
      });
      for (const d of stmt.declarations) hoisted.push(...patternNames(d.id));
      edits.push({ start: stmt.start, end: stmt.end, text: parts.join(', ') + ';' });
    } else if (stmt.type === 'FunctionDeclaration' && stmt.id) {
      edits.push({ start: stmt.start, end: stmt.start, text: `${stmt.id.name} = ` });
      edits.push({ start: stmt.end, end: stmt.end, text: ';' });
      hoisted.push(stmt.id.name);
    } else if (stmt.type === 'ClassDeclaration' && stmt.id) {
      edits.push({ start: stmt.start, end: stmt.start, text: `${stmt.id.name} = ` });
      edits.push({ start: stmt.end, end: stmt.end, text: ';' });
      hoisted.push(stmt.id.name);
    } else if (last && stmt.type === 'ExpressionStatement') {
      edits.push({ start: stmt.start, end: stmt.start, text: 'return (' });
      edits.push({ start: stmt.expression.end, end: stmt.end, text: ');' });
    }
  }
  let out = js;
  for (const e of edits.sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // Names are declared on the global object first (on the first line, so line numbers stay the cell's).
  const declare = hoisted.length ? `${[...new Set(hoisted)].map((n) => `globalThis[${JSON.stringify(n)}] = globalThis[${JSON.stringify(n)}];`).join(' ')} ` : '';
  return declare + out;
}

function toScript(source: string, language: CellLanguage, cellName: string): string {
  const hasModuleSyntax = /^\s*(import|export)\s/m.test(source);
  if (language === 'javascript' && !hasModuleSyntax) return source;
  try {
    // cjs only when the cell imports: it turns `import` into `require` without wrapping anything else.
    return transformSync(source, { loader: language === 'typescript' ? 'ts' : 'js', format: hasModuleSyntax ? 'cjs' : undefined, target: 'es2022', sourcefile: cellName, supported: { 'top-level-await': true } }).code;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors;
    if (errors?.length) {
      const first = errors[0];
      throw new SyntaxError(`${first.location ? `${cellName}:${first.location.line}:${first.location.column + 1}: ` : ''}${first.text}`);
    }
    throw e;
  }
}

function patternNames(p: Pattern | Node): string[] {
  switch (p.type) {
    case 'Identifier':
      return [(p as { name: string }).name];
    case 'ObjectPattern':
      return (p as { properties: Node[] }).properties.flatMap((prop) => patternNames(prop.type === 'Property' ? (prop as unknown as { value: Node }).value : (prop as unknown as { argument: Node }).argument));
    case 'ArrayPattern':
      return (p as { elements: (Node | null)[] }).elements.flatMap((e) => (e ? patternNames(e) : []));
    case 'RestElement':
      return patternNames((p as { argument: Node }).argument);
    case 'AssignmentPattern':
      return patternNames((p as { left: Node }).left);
    default:
      return [];
  }
}
