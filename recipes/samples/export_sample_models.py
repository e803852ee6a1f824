"""Exports the small ONNX models in samples/models/ that the tour notebook and the tests inspect.

They are real PyTorch exports (seeded random weights, not trained): their purpose is to show what an
exported audio model looks like to ONNX Lab — exporter-made names, dynamic axes, metadata_props.
Trained reference models live in models/ with their own recipes.

    recipes/.venv/bin/python recipes/samples/export_sample_models.py   (after scripts/setup-python.sh --torch)
"""
import json
import pathlib
import sys

import onnx
import torch
from torch import nn

OUT = pathlib.Path(__file__).resolve().parents[2] / "samples" / "models"
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from dump_goldens import dump_goldens  # noqa: E402
LABELS = ["yes", "no", "stop", "unknown", "silence"]


class TinyAudioTagger(nn.Module):
    """Log-mel [batch, 40, time] → per-clip class logits: conv front, GRU over time, linear head."""

    def __init__(self, mels: int = 40, hidden: int = 32, classes: int = len(LABELS)):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(mels, hidden, kernel_size=3, padding=1), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Conv1d(hidden, hidden, kernel_size=3, padding=1, stride=2), nn.ReLU(),
        )
        self.gru = nn.GRU(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        x = self.conv(features).transpose(1, 2)
        y, _ = self.gru(x)
        return self.head(y.mean(dim=1))


def main() -> None:
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    model = TinyAudioTagger().eval()
    path = OUT / "tiny-audio-tagger.onnx"
    torch.onnx.export(
        model, (torch.randn(1, 40, 98),), str(path), dynamo=False, opset_version=17,
        input_names=["features"], output_names=["logits"],
        dynamic_axes={"features": {0: "batch", 2: "time"}, "logits": {0: "batch"}},
    )
    m = onnx.load(str(path))
    for k, v in {
        "model_type": "audio-tagger-sample",
        "sample_rate": "16000",
        "feature_preset": "kws40",
        "labels": json.dumps(LABELS),
        "comment": "ONNX Lab inspection sample: seeded random weights, not trained",
    }.items():
        m.metadata_props.add(key=k, value=v)
    m.producer_name, m.doc_string = "pytorch", "Tiny audio tagger (ONNX Lab sample)"
    onnx.checker.check_model(m)
    onnx.save(m, str(path))
    print(f"wrote {path} ({path.stat().st_size} bytes)")

    # Golden outputs from PyTorch itself, so `onnx-lab validate` (and VS Code's Test Explorer)
    # check the export: two clip lengths exercise the dynamic time axis.
    gen = torch.Generator().manual_seed(1)
    cases = [{"features": torch.randn(1, 40, t, generator=gen)} for t in (98, 250)]
    dump_goldens(model, cases, str(OUT / "tiny-audio-tagger.golden"), output_names=["logits"],
                 tolerance={"atol": 1e-5, "rtol": 1e-4}, model_path="../tiny-audio-tagger.onnx")
    print(f"wrote {OUT / 'tiny-audio-tagger.golden'}")


if __name__ == "__main__":
    main()
