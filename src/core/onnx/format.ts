/** Human-readable text for summaries and lint findings (used by the CLI and tests). */
import type { Dim, ModelSummary, ValueSummary } from './summary';
import type { Finding } from './lint';

export function formatDims(shape: Dim[] | null): string {
  if (shape === null) return '[?rank]';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** `float32 [N, 80, T]`, or the full type for non-tensors. */
export function formatValueType(v: ValueSummary): string {
  if (v.type.startsWith('tensor(')) return `${v.elemType ?? '?'} ${formatDims(v.shape)}`;
  if (v.type.startsWith('sparse_tensor(')) return `sparse ${v.elemType ?? '?'} ${formatDims(v.shape)}`;
  return v.type;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** 27_800_000 → "27.8M". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

function table(rows: string[][], indent = '  '): string[] {
  if (!rows.length) return [];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => indent + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

function oneLine(s: string, max = 100): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

export function formatSummaryText(s: ModelSummary): string {
  const L: string[] = [];
  L.push(`Model: ${s.file ?? '(bytes)'}${s.fileSize !== undefined ? `  (${formatBytes(s.fileSize)})` : ''}`);
  const producer = [s.producerName, s.producerVersion].filter(Boolean).join(' ');
  L.push(`  IR version ${s.irVersion}; producer ${producer || '(none)'}${s.domain ? `; domain ${s.domain}` : ''}${s.modelVersion ? `; model_version ${s.modelVersion}` : ''}`);
  L.push(`  Opsets: ${s.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ') || '(none)'}`);
  if (s.graphName) L.push(`  Graph: ${s.graphName}`);
  if (s.docString) L.push(`  Doc: ${oneLine(s.docString)}`);

  L.push('', `Inputs (${s.inputs.length}):`);
  L.push(...table(s.inputs.map((v) => [v.name, formatValueType(v)])));
  if (s.overridableInputs.length) {
    const shown = s.overridableInputs.slice(0, 5).join(', ');
    L.push(`  + ${s.overridableInputs.length} input(s) with initializers (overridable defaults): ${shown}${s.overridableInputs.length > 5 ? ', …' : ''}`);
  }
  L.push('', `Outputs (${s.outputs.length}):`);
  L.push(...table(s.outputs.map((v) => [v.name, formatValueType(v)])));

  const metaKeys = Object.keys(s.metadata);
  if (metaKeys.length) {
    L.push('', `Metadata (${metaKeys.length}):`);
    L.push(...table(metaKeys.map((k) => [k, oneLine(s.metadata[k], 80)])));
  }

  const nodes = s.totalNodeCount === s.nodeCount ? `${s.nodeCount}` : `${s.nodeCount} in the main graph, ${s.totalNodeCount} with subgraphs`;
  L.push('', `Nodes: ${nodes}; ${s.opHistogram.length} op types`);
  const top = s.opHistogram.slice(0, 15);
  L.push(...table(top.map((o) => [o.op, String(o.count)])));
  if (s.opHistogram.length > top.length) L.push(`  … ${s.opHistogram.length - top.length} more op types`);
  if (s.subgraphs.count) {
    const by = Object.entries(s.subgraphs.byOp).map(([op, n]) => `${op} ${n}`).join(', ');
    L.push(`  Subgraphs: ${s.subgraphs.count} (${by}), nesting depth ${s.subgraphs.maxDepth}`);
  }
  if (s.functions.length) {
    L.push(`  Functions (${s.functions.length}): ${s.functions.map((f) => `${f.domain ? f.domain + '.' : ''}${f.name} (${f.nodes} nodes)`).join(', ')}`);
  }

  const p = s.parameters;
  L.push('', `Parameters: ${formatCount(p.count)} in ${p.tensors} tensors, ${formatBytes(p.bytes)}`);
  L.push(...table(p.byDtype.map((d) => [d.dtype, formatCount(d.count), formatBytes(d.bytes), `${d.tensors} tensors`])));

  if (s.externalData.tensors) {
    L.push('', `External data: ${s.externalData.tensors} tensors in ${s.externalData.files.length} file(s)`);
    L.push(
      ...table(
        s.externalData.files.map((f) => [
          f.location || '(no location)',
          f.status,
          f.size !== undefined ? `${formatBytes(f.size)} on disk` : '',
          `needs ${formatBytes(f.requiredSize)}`,
        ]),
      ),
    );
  }
  const vi = s.valueInfo;
  L.push('', `value_info: ${vi.annotated}/${vi.intermediates} intermediate tensors typed${vi.percent !== null ? ` (${vi.percent}%)` : ''}`);
  return L.join('\n') + '\n';
}

export function formatFindingsText(findings: Finding[]): string {
  if (!findings.length) return 'No problems found.\n';
  const L = findings.map((f) => {
    const fix = f.suggestion ? ` (suggestion: replace '${f.suggestion.replace}' with '${f.suggestion.with}')` : '';
    return `${f.severity}: [${f.rule}] ${f.target ? f.target + ': ' : ''}${f.message}${fix}`;
  });
  const count = (sev: string) => findings.filter((f) => f.severity === sev).length;
  L.push(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info`);
  return L.join('\n') + '\n';
}
