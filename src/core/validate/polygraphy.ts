/**
 * Polygraphy JSON (`polygraphy run --save-outputs/--save-inputs`): RunResults
 * `{"lst": [[runner, [IterationResult...]]], "polygraphy_class": "RunResults"}` whose outputs are
 * `{"values": <ndarray>, "polygraphy_class": "LazyArray"}` (older files: LazyNumpyArray), an ndarray
 * being `{"array": base64(np.save bytes), "polygraphy_class": "ndarray"}`; inputs are a list of
 * `{name: ndarray}`, one per iteration. Arrays are decoded only when a case asks for them.
 */
import { OnnxLabError } from '../errors';
import { decodeNpyTensor } from './numpy';
import type { Tensor } from './tensor';

type Json = Record<string, unknown>;
/** name → lazy reader of one array. */
export type LazyArrays = Record<string, () => Tensor>;

export function isPolygraphyRunResults(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = doc as Json;
  return d.polygraphy_class === 'RunResults' || Array.isArray(d.lst);
}

/** One ndarray-ish JSON value → a lazy Tensor reader. */
function lazyArray(v: unknown, where: string, file: string): () => Tensor {
  let node = v as Json | undefined;
  // Unwrap LazyArray / LazyNumpyArray (and any wrapper with `values`/`arr`) down to the ndarray.
  for (let depth = 0; depth < 4 && node && typeof node === 'object'; depth++) {
    if (typeof node.array === 'string') break;
    node = (node.values ?? node.arr) as Json | undefined;
  }
  if (!node || typeof node !== 'object' || typeof node.array !== 'string') {
    const cls = (v as Json | undefined)?.polygraphy_class;
    throw new OnnxLabError('golden.polygraphy', `${where}: not an array (polygraphy_class ${JSON.stringify(cls)})`, file);
  }
  const b64 = node.array as string;
  return () => decodeNpyTensor(new Uint8Array(Buffer.from(b64, 'base64')), `${file}: ${where}`);
}

/** The iterations of the first runner: one name → array map per iteration. */
export function readPolygraphyOutputs(doc: unknown, file: string): LazyArrays[] {
  const d = doc as Json;
  const lst = d.lst as unknown[];
  if (!Array.isArray(lst) || lst.length === 0) throw new OnnxLabError('golden.polygraphy', 'RunResults holds no runners', file);
  const first = lst[0] as [string, unknown[]];
  if (!Array.isArray(first) || !Array.isArray(first[1])) throw new OnnxLabError('golden.polygraphy', 'RunResults entry is not [runner_name, iterations]', file);
  const runner = String(first[0]);
  return first[1].map((it, i) => {
    const r = it as Json;
    const outputs = (r.outputs ?? r) as Json;
    const out: LazyArrays = {};
    for (const [name, v] of Object.entries(outputs)) {
      if (name === 'polygraphy_class' || (r.outputs === undefined && (typeof v !== 'object' || v === null))) continue;
      out[name] = lazyArray(v, `${runner} iteration ${i} output '${name}'`, file);
    }
    return out;
  });
}

export function readPolygraphyInputs(doc: unknown, file: string): LazyArrays[] {
  if (!Array.isArray(doc)) throw new OnnxLabError('golden.polygraphy', 'a Polygraphy inputs file is a JSON list of {name: array}', file);
  return doc.map((feed, i) => {
    const out: LazyArrays = {};
    for (const [name, v] of Object.entries(feed as Json)) {
      if (name === 'polygraphy_class') continue;
      out[name] = lazyArray(v, `iteration ${i} input '${name}'`, file);
    }
    return out;
  });
}
