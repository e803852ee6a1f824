"""Reference verdicts for ONNX backend-layout tests: Python onnxruntime + numpy.

For every DIR/*/model.onnx with test_data_set_N/ folders, runs onnxruntime (CPU, 1 intra-op thread)
on input_K.pb (K = position in graph.input) and compares with output_K.pb (K = position in
graph.output). A test passes when every output of every data set passes:
  - dtype and shape equal;
  - float outputs, both sides cast to float64, NaN equal to NaN:
      numpy rule:      numpy.allclose(a, b, rtol, atol, equal_nan=True)
      polygraphy rule: fails only where |a-b| > atol and |a-b| > rtol*|b| (same Inf equals)
  - other dtypes: numpy.array_equal.
Each --tol ATOL,RTOL gives one pair of verdicts from the same inference (default 1e-7,1e-3, the ONNX
backend tests' own). Writes {"tests": {test_name: {"ATOL,RTOL": {"numpy": v, "polygraphy": v}, ...,
"error": msg?}}, "seconds": s} as JSON (v: pass/fail/error).

usage: validate_sweep.py DIR --out OUT.json [--tol ATOL,RTOL ...] [--only NAME ...]
"""
import argparse
import glob
import json
import os
import re
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper


def load_pb(path, type_proto):
    with open(path, "rb") as f:
        data = f.read()
    kind = type_proto.WhichOneof("value")
    if kind == "sequence_type":
        p = onnx.SequenceProto()
        p.ParseFromString(data)
        return numpy_helper.to_list(p)
    if kind == "optional_type":
        p = onnx.OptionalProto()
        p.ParseFromString(data)
        return numpy_helper.to_optional(p)
    p = onnx.TensorProto()
    p.ParseFromString(data)
    return numpy_helper.to_array(p)


def compare(a, b, atol, rtol):
    """(numpy verdict, polygraphy verdict) for one output value."""
    if isinstance(b, list) or isinstance(a, list):
        if not isinstance(a, list) or not isinstance(b, list) or len(a) != len(b):
            return False, False
        n = p = True
        for x, y in zip(a, b):
            vn, vp = compare(x, y, atol, rtol)
            n, p = n and vn, p and vp
        return n, p
    if b is None or a is None:
        return a is b, a is b
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False, False
    if a.dtype.kind != "f":
        same = bool(np.array_equal(a, b))
        return same, same
    x = a.astype(np.float64)
    y = b.astype(np.float64)
    numpy_ok = bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=True))
    with np.errstate(invalid="ignore", over="ignore"):
        d = np.abs(x - y)
        bad = (d > atol) & (d > rtol * np.abs(y))
        finite = np.isfinite(x) & np.isfinite(y)
        nonfinite_ok = (np.isnan(x) & np.isnan(y)) | (x == y)
    bad = np.where(finite, bad, ~nonfinite_ok)
    return numpy_ok, not bool(bad.any())


def run_test(test_dir, tols):
    model_path = os.path.join(test_dir, "model.onnx")
    model = onnx.load(model_path)
    graph_inputs = list(model.graph.input)
    graph_outputs = list(model.graph.output)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 4
    sess = ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])
    ok = {t: [True, True] for t in tols}
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")), key=lambda s: int(s.rsplit("_", 1)[1]))
    for ds in sets:
        feeds = {}
        for f in sorted(os.listdir(ds)):
            m = re.match(r"input_(\d+)\.pb$", f)
            if m:
                k = int(m.group(1))
                feeds[graph_inputs[k].name] = load_pb(os.path.join(ds, f), graph_inputs[k].type)
        expected = {}
        for f in sorted(os.listdir(ds)):
            m = re.match(r"output_(\d+)\.pb$", f)
            if m:
                k = int(m.group(1))
                expected[graph_outputs[k].name] = load_pb(os.path.join(ds, f), graph_outputs[k].type)
        names = [o.name for o in graph_outputs]
        got = dict(zip(names, sess.run(names, feeds)))
        for name, b in expected.items():
            for t, (atol, rtol) in tols.items():
                n, p = compare(got.get(name), b, atol, rtol)
                ok[t] = [ok[t][0] and n, ok[t][1] and p]
    v = lambda good: "pass" if good else "fail"
    return {t: {"numpy": v(n), "polygraphy": v(p)} for t, (n, p) in ok.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--out", required=True)
    ap.add_argument("--tol", action="append", help="ATOL,RTOL (repeatable)")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    ort.set_default_logger_severity(4)
    tests = sorted(d for d in glob.glob(os.path.join(args.dir, "*")) if os.path.isfile(os.path.join(d, "model.onnx")))
    if args.only:
        tests = [t for t in tests if os.path.basename(t) in set(args.only)]
    tols = {t: tuple(float(x) for x in t.split(",")) for t in (args.tol or ["1e-7,1e-3"])}
    result = {}
    t0 = time.perf_counter()
    for t in tests:
        try:
            result[os.path.basename(t)] = run_test(t, tols)
        except Exception as e:  # could not run: reported, not a verdict
            msg = str(e).strip().split("\n")[0][:300]
            result[os.path.basename(t)] = {**{k: {"numpy": "error", "polygraphy": "error"} for k in tols}, "error": msg}
    with open(args.out, "w") as f:
        json.dump({"tests": result, "seconds": time.perf_counter() - t0}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
