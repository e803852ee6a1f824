"""Dump golden inputs/outputs of a PyTorch model in ONNX Lab's npz + manifest form (docs/golden-format.md).

As a library:

    from dump_goldens import dump_goldens
    dump_goldens(model, [{"x": torch.randn(1, 4)}], "goldens/", output_names=["logits"],
                 per_output={"logits": {"atol": 1e-4, "rtol": 1e-3}}, model_path="../model.onnx")

writes goldens/case_0.npz (inputs and outputs by name) and goldens/golden.json; then

    onnx-lab validate model.onnx goldens/

The input names must be the ONNX graph's input names (torch.onnx.export(..., input_names=...)) and
output_names its output names, in the order the model returns them.

As a script (a smoke check: exports a tiny model, dumps its goldens):

    python recipes/dump_goldens.py OUT_DIR
"""
import json
import os
import sys

import numpy as np


def _to_numpy(v):
    if hasattr(v, "detach"):
        return v.detach().cpu().numpy()
    return np.asarray(v)


def dump_goldens(model, cases, out_dir, output_names, tolerance=None, per_output=None, model_path=None):
    """Run `model(**inputs)` for each dict of inputs and save inputs + outputs per case."""
    import torch

    os.makedirs(out_dir, exist_ok=True)
    manifest = {"format": "onnx-lab-golden", "version": 1, "cases": []}
    if model_path:
        manifest["model"] = model_path
    if tolerance:
        manifest["tolerance"] = tolerance
    if per_output:
        manifest["outputs"] = per_output
    model.eval()
    for i, inputs in enumerate(cases):
        with torch.no_grad():
            out = model(**inputs)
        outs = out if isinstance(out, (tuple, list)) else [out]
        if len(outs) != len(output_names):
            raise ValueError(f"the model returned {len(outs)} outputs, output_names has {len(output_names)}")
        arrays = {f"input:{k}": _to_numpy(v) for k, v in inputs.items()}
        arrays.update({f"output:{k}": _to_numpy(v) for k, v in zip(output_names, outs)})
        # The input:/output: prefixes keep an array whose name is both an input and an output
        # unambiguous; np.savez_compressed keeps large goldens small.
        name = f"case_{i}"
        np.savez_compressed(os.path.join(out_dir, name + ".npz"), **arrays)
        manifest["cases"].append({"name": name, "npz": name + ".npz"})
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    return manifest


def _demo(out_dir):
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    x = torch.randn(2, 4)
    torch.onnx.export(model, (x,), onnx_path, input_names=["x"], output_names=["logits"], dynamo=False)

    class Named(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)

    dump_goldens(Named(model), [{"x": torch.randn(2, 4)} for _ in range(3)], os.path.join(out_dir, "goldens"),
                 output_names=["logits"], per_output={"logits": {"atol": 1e-5, "rtol": 1e-4}}, model_path="../model.onnx")


if __name__ == "__main__":
    _demo(sys.argv[1] if len(sys.argv) > 1 else "goldens-demo")
