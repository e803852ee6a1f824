/** ValueInfoProto → ValueSummary (names, type strings, shapes with symbolic dims). */
import type { TypeProto, ValueInfoProto } from 'onnx-buf';
import { dtypeName } from './dtypes';
import type { Dim, ValueSummary } from './summary';

export function typeString(t: TypeProto | undefined): string {
  if (!t) return 'unknown';
  switch (t.value.case) {
    case 'tensorType':
      return `tensor(${t.value.value.elemType ? dtypeName(t.value.value.elemType) : 'unknown'})`;
    case 'sparseTensorType':
      return `sparse_tensor(${t.value.value.elemType ? dtypeName(t.value.value.elemType) : 'unknown'})`;
    case 'sequenceType':
      return `sequence(${typeString(t.value.value.elemType)})`;
    case 'optionalType':
      return `optional(${typeString(t.value.value.elemType)})`;
    case 'mapType':
      return `map(${dtypeName(t.value.value.keyType)},${typeString(t.value.value.valueType)})`;
    default:
      return 'unknown';
  }
}

export function summarizeValue(v: ValueInfoProto): ValueSummary {
  const t = v.type;
  let elemType: string | null = null;
  let shape: Dim[] | null = null;
  if (t && (t.value.case === 'tensorType' || t.value.case === 'sparseTensorType')) {
    const tt = t.value.value;
    elemType = tt.elemType ? dtypeName(tt.elemType) : null;
    if (tt.shape) {
      shape = tt.shape.dim.map((d): Dim => {
        if (d.value.case === 'dimValue') return Number(d.value.value);
        if (d.value.case === 'dimParam') return d.value.value;
        return null;
      });
    }
  }
  const out: ValueSummary = { name: v.name, type: typeString(t), elemType, shape };
  if (v.docString) out.docString = v.docString;
  return out;
}
