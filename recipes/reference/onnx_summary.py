"""Reference summaries of ONNX models with Python's `onnx`, to check (and time) ONNX Lab's reader.

  python onnx_summary.py DIR_OR_MODEL... [--out FILE.json]   # dump {path: summary} for every *.onnx
  python onnx_summary.py MODEL --bench RUNS                  # median ms of load + summary (after a warm-up)
  python onnx_summary.py MODEL --bench 1 --cold              # the first load + summary of the process
  python onnx_summary.py DIR_OR_MODEL... --ort --out F.json  # also try an onnxruntime CPU session per model

Type strings follow the rule in src/core/onnx/dtypes.ts: lower-cased TensorProto.DataType names,
FLOAT -> float32 and DOUBLE -> float64. Inputs exclude graph inputs that have an initializer.
"""
import argparse
import collections
import json
import os
import statistics
import sys
import time

import onnx
from onnx import TensorProto


def dtype_name(code):
    if code == TensorProto.FLOAT:
        return "float32"
    if code == TensorProto.DOUBLE:
        return "float64"
    try:
        return TensorProto.DataType.Name(code).lower()
    except ValueError:
        return "dtype(%d)" % code


def type_string(t):
    kind = t.WhichOneof("value")
    if kind == "tensor_type":
        return "tensor(%s)" % (dtype_name(t.tensor_type.elem_type) if t.tensor_type.elem_type else "unknown")
    if kind == "sparse_tensor_type":
        e = t.sparse_tensor_type.elem_type
        return "sparse_tensor(%s)" % (dtype_name(e) if e else "unknown")
    if kind == "sequence_type":
        return "sequence(%s)" % (type_string(t.sequence_type.elem_type) if t.sequence_type.HasField("elem_type") else "unknown")
    if kind == "optional_type":
        return "optional(%s)" % (type_string(t.optional_type.elem_type) if t.optional_type.HasField("elem_type") else "unknown")
    if kind == "map_type":
        v = type_string(t.map_type.value_type) if t.map_type.HasField("value_type") else "unknown"
        return "map(%s,%s)" % (dtype_name(t.map_type.key_type), v)
    return "unknown"


def value(v):
    t = v.type if v.HasField("type") else None
    elem = None
    shape = None
    if t is not None and t.WhichOneof("value") in ("tensor_type", "sparse_tensor_type"):
        tt = t.tensor_type if t.WhichOneof("value") == "tensor_type" else t.sparse_tensor_type
        elem = dtype_name(tt.elem_type) if tt.elem_type else None
        if tt.HasField("shape"):
            shape = []
            for d in tt.shape.dim:
                if d.HasField("dim_value"):
                    shape.append(d.dim_value)
                elif d.HasField("dim_param"):
                    shape.append(d.dim_param)
                else:
                    shape.append(None)
    return {"name": v.name, "type": type_string(t) if t is not None else "unknown", "elemType": elem, "shape": shape}


def summarize(model, full=False):
    g = model.graph
    inits = {t.name for t in g.initializer} | {s.values.name for s in g.sparse_initializer}
    out = {
        "irVersion": model.ir_version,
        "opsetImports": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
        "inputs": [value(v) for v in g.input if v.name not in inits],
        "outputs": [value(v) for v in g.output],
    }
    if full:
        # The same work as ONNX Lab's summary: walk all graphs, histogram ops, count parameters.
        hist = collections.Counter()
        by_dtype = collections.defaultdict(lambda: [0, 0])
        stack = [g]
        while stack:
            cur = stack.pop()
            for t in cur.initializer:
                n = 1
                for d in t.dims:
                    n *= d
                by_dtype[dtype_name(t.data_type)][0] += 1
                by_dtype[dtype_name(t.data_type)][1] += n
            for node in cur.node:
                hist[node.op_type if node.domain in ("", "ai.onnx") else node.domain + "." + node.op_type] += 1
                for a in node.attribute:
                    if a.HasField("g"):
                        stack.append(a.g)
                    stack.extend(a.graphs)
        out["metadata"] = {p.key: p.value for p in model.metadata_props}
        out["opHistogram"] = dict(hist)
        out["parameters"] = {k: v for k, v in by_dtype.items()}
    return out


def ort_session_error(path):
    """None when onnxruntime's CPU provider can create a session, else the first line of its error."""
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.log_severity_level = 4
    try:
        onnxruntime.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        return None
    except Exception as e:  # the message is what the comparison looks at
        return str(e).splitlines()[0][:300]


def find_models(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".onnx"):
                        yield os.path.join(root, f)
        else:
            yield p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--out")
    ap.add_argument("--bench", type=int, default=0)
    ap.add_argument("--cold", action="store_true", help="no warm-up run")
    ap.add_argument("--ort", action="store_true", help="record whether onnxruntime (CPU) can create a session")
    args = ap.parse_args()
    if args.bench:
        times = []
        warmup = 0 if args.cold else 1
        for i in range(args.bench + warmup):
            t0 = time.perf_counter()
            m = onnx.load(args.paths[0], load_external_data=False)
            summarize(m, full=True)
            dt = (time.perf_counter() - t0) * 1000
            if i >= warmup:
                times.append(dt)
        print(json.dumps({"median_ms": statistics.median(times), "runs": args.bench, "onnx": onnx.__version__}))
        return
    result = {}
    for path in find_models(args.paths):
        try:
            result[path] = summarize(onnx.load(path, load_external_data=False))
            if args.ort:
                result[path]["ort"] = ort_session_error(path)
        except Exception as e:  # reported, so the comparison can show which files Python itself rejects
            result[path] = {"error": "%s: %s" % (type(e).__name__, e)}
    text = json.dumps(result, indent=None, sort_keys=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
