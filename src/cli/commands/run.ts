import path from 'node:path';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { OnnxLabError } from '../../core/errors';
import { cellLanguage, cellSource, ONNX_LAB_KERNELSPEC, readIpynb, toLines, type IpynbOutput } from '../../core/notebook/ipynb';
import { KernelClient } from '../../kernels/client';
import type { OutputItem } from '../../protocol/kernel';
import type { CliCommand } from '../command';
import { parseArgs } from '../args';

/** Executes every code cell with the ONNX Lab kernel, like `jupyter nbconvert --execute`. */
export const runCommand: CliCommand = {
  name: 'run',
  summary: 'execute a notebook with the ONNX Lab TypeScript kernel',
  usage: 'onnx-lab run NOTEBOOK.ipynb [--out EXECUTED.ipynb] [--force]\n  Exit 0 when every cell ran, 1 when a cell failed, 2 when the notebook could not run.',
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['out'], flags: ['force'] });
    const [file] = args.positional;
    if (!file) throw new OnnxLabError('cli.usage', 'missing NOTEBOOK.ipynb (see onnx-lab run --help)');
    const nbPath = path.resolve(io.cwd, file);
    const nb = await readIpynb(nbPath);
    const out = args.values.out ? path.resolve(io.cwd, args.values.out) : undefined;
    if (out && existsSync(out) && !args.flags.force) {
      throw new OnnxLabError('cli.exists', 'already exists (pass --force to overwrite)', out);
    }
    const kernel = new KernelClient(path.join(__dirname, 'kernel.js'), path.dirname(nbPath));
    let failed = 0;
    let count = 0;
    try {
      await kernel.ready;
      for (const [index, cell] of nb.cells.entries()) {
        if (cell.cell_type !== 'code') continue;
        const language = cellLanguage(nb, cell);
        if (language !== 'typescript' && language !== 'javascript') {
          throw new OnnxLabError('run.language', `cell ${index + 1} is ${language}; the ONNX Lab kernel runs typescript and javascript`, nbPath);
        }
        const outputs: IpynbOutput[] = [];
        const stream = (name: 'stdout' | 'stderr', text: string) => {
          const last = outputs[outputs.length - 1];
          if (last?.output_type === 'stream' && last.name === name) last.text.push(...toLines(text));
          else outputs.push({ output_type: 'stream', name, text: toLines(text) });
          (name === 'stdout' ? io.out : io.err)(text.replace(/\n$/, ''));
        };
        count++;
        const t0 = Date.now();
        const r = await kernel.execute(cellSource(cell), language, {
          stream,
          display: (items) => outputs.push({ output_type: 'display_data', data: toMimeBundle(items), metadata: {} }),
        });
        if (r.ok && r.result) {
          outputs.push({ output_type: 'execute_result', data: toMimeBundle(r.result), metadata: {}, execution_count: count });
          const text = r.result.find((i) => i.mime === 'text/plain')?.data;
          if (typeof text === 'string') io.out(`Out[${count}]: ${text}`);
        }
        if (!r.ok) {
          failed++;
          outputs.push({ output_type: 'error', ename: r.error.name, evalue: r.error.message, traceback: (r.error.stack ?? '').split('\n') });
          io.err(`cell ${index + 1}: ${r.error.name}: ${r.error.message}`);
        }
        cell.outputs = outputs;
        cell.execution_count = count;
        io.err(`cell ${index + 1}: ${r.ok ? 'ok' : 'FAILED'} (${Date.now() - t0} ms)`);
        if (!r.ok) break;
      }
    } finally {
      kernel.dispose();
    }
    nb.metadata.kernelspec = ONNX_LAB_KERNELSPEC;
    if (out) await writeFile(out, JSON.stringify(nb, null, 1) + '\n');
    io.err(`${count} cell(s) run, ${failed} failed${out ? `; wrote ${path.relative(io.cwd, out)}` : ''}`);
    return failed ? 1 : 0;
  },
};

/** Outputs as an nbformat mime bundle: text as lines, binary as base64 (as Jupyter stores images). */
function toMimeBundle(items: OutputItem[]): Record<string, unknown> {
  const bundle: Record<string, unknown> = {};
  for (const item of items) {
    if (typeof item.data !== 'string') bundle[item.mime] = Buffer.from(item.data).toString('base64');
    else if (item.mime.endsWith('+json') || item.mime === 'application/json') bundle[item.mime] = JSON.parse(item.data);
    else bundle[item.mime] = toLines(item.data);
  }
  return bundle;
}
