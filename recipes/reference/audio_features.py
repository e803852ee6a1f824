"""Float64 reference values for the audio core tests (test/unit/audio-*.test.ts).

Usage: audio_features.py SPEC.json OUTDIR
SPEC: {"files": [{"id", "path"}], "presets": {name: preset-object as printed by the TS side},
       "maxSeconds": 20, "checkLibrosa": [ids], "synthetic": true, "resample": [{"id", "path", "to"}],
       "melbanks": [{"id", "sampleRate", "nFft", "nMels", "fmin", "fmax", "scale", "norm"}], "codecs": {...}}

Writes into OUTDIR, per (file or synthetic signal, preset):
  {id}.{rate}.x.npy         float32 mono input at a preset's rate (soundfile decode, channel mean,
                            first maxSeconds, librosa.resample soxr_hq when the rate differs) — the TS
                            side computes its features from exactly this waveform
  {id}.{preset}.logmel.npy  float64 [n_mels, T] log-mel before normalisation (numpy float64 reference)
  {id}.{preset}.feat.npy    float64 [n_mels, T] final features, for presets that normalise or pad
per file: {id}.pcm.npy (float32 [channels, frames] as soundfile decodes it),
with "torchNemo" and torch installed: {id}.nemo80.torch32.npy, NeMo's steps in float32 torch,
per melbanks entry: melbank.{id}.npy (librosa.filters.mel in float64),
per resample job: {id}.{to}.hq.npy (librosa soxr_hq), {id}.{to}.scipy.npy (resample_poly) from the
float32 mono; and summary.json with the cross-checks of the numpy reference against librosa's own
feature code (max abs difference per preset), so the reference itself is pinned to the framework.
"""
import json
import sys
from math import gcd
from pathlib import Path

import librosa
import numpy as np
import scipy.signal
import soundfile as sf


def window(p):
    n = p["winLength"]
    name = p["window"]
    if name == "hann":
        w = scipy.signal.get_window("hann", n, fftbins=True)
    elif name == "hann-symmetric":
        w = scipy.signal.get_window("hann", n, fftbins=False)
    elif name == "hamming":
        w = scipy.signal.get_window("hamming", n, fftbins=True)
    elif name == "hamming-symmetric":
        w = scipy.signal.get_window("hamming", n, fftbins=False)
    elif name == "rectangular":
        w = np.ones(n)
    else:
        raise ValueError(name)
    return librosa.util.pad_center(w.astype(np.float64), size=p["nFft"])


def mel_basis(p):
    return librosa.filters.mel(sr=p["sampleRate"], n_fft=p["nFft"], n_mels=p["nMels"], fmin=p["fmin"],
                               fmax=p["fmax"], htk=p["melScale"] == "htk",
                               norm="slaney" if p["melNorm"] == "slaney" else None, dtype=np.float64)


def power_spec(x, p):
    """|STFT|^power, [bins, T], written out step by step (pad, frame, window, rfft)."""
    x = np.asarray(x, dtype=np.float64)
    if p["preemphasis"]:
        x = np.concatenate([x[:1], x[1:] - p["preemphasis"] * x[:-1]])
    n_fft, hop = p["nFft"], p["hop"]
    if p["center"]:
        mode = "reflect" if p["padMode"] == "reflect" else "constant"
        x = np.pad(x, n_fft // 2, mode=mode) if len(x) else np.zeros(2 * (n_fft // 2))
    frames = 0 if len(x) < n_fft else 1 + (len(x) - n_fft) // hop
    if frames:
        fr = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop][:frames] * window(p)[None, :]
    else:
        fr = np.zeros((0, n_fft))
    spec = np.abs(np.fft.rfft(fr, n=n_fft, axis=1)) ** 2
    if p["power"] == 1:
        spec = np.sqrt(spec)
    spec = spec.T
    if p["dropLastFrames"]:
        spec = spec[:, : max(0, spec.shape[1] - p["dropLastFrames"])]
    return spec


def log_mel(x, p):
    m = mel_basis(p) @ power_spec(x, p)
    lg = p["log"]
    if lg["kind"] == "ln":
        return np.log(m + lg["guard"])
    if lg["kind"] == "db":
        return librosa.power_to_db(m, ref=lg["ref"], amin=lg["amin"], top_db=lg["topDb"])
    if lg["kind"] == "whisper":
        s = np.log10(np.maximum(m, 1e-10))
        if s.size:
            s = np.maximum(s, s.max() - 8.0)
        return (s + 4.0) / 4.0
    return m


def features(x, p, lm):
    out = lm.copy()
    t = lm.shape[1]
    valid = min(t, len(x) // p["hop"]) if p["validFrames"] == "length-div-hop" else t
    if p["normalize"] == "per-feature":
        with np.errstate(invalid="ignore", divide="ignore"):
            v = lm[:, :valid]
            mean = v.sum(axis=1) / valid
            std = np.sqrt(((v - mean[:, None]) ** 2).sum(axis=1) / (valid - 1.0))
            std = np.where(np.isnan(std), 0.0, std) + p["normalizeEps"]
            out = (lm - mean[:, None]) / std[:, None]
    out[:, valid:] = p["padValue"]
    return out


def librosa_check(x, p):
    """The same log-mel through librosa's own STFT/melspectrogram path, for the cross-check."""
    x = np.asarray(x, dtype=np.float64)
    if p["preemphasis"]:
        x = np.concatenate([x[:1], x[1:] - p["preemphasis"] * x[:-1]])
    win = window(p)[(p["nFft"] - p["winLength"]) // 2:][: p["winLength"]]
    s = librosa.stft(x, n_fft=p["nFft"], hop_length=p["hop"], win_length=p["winLength"], window=win,
                     center=p["center"], pad_mode="reflect" if p["padMode"] == "reflect" else "constant",
                     dtype=np.complex128)
    s = np.abs(s) ** p["power"]
    if p["dropLastFrames"]:
        s = s[:, : -p["dropLastFrames"]]
    m = librosa.feature.melspectrogram(S=s, sr=p["sampleRate"], n_fft=p["nFft"], n_mels=p["nMels"],
                                       fmin=p["fmin"], fmax=p["fmax"], htk=p["melScale"] == "htk",
                                       norm="slaney" if p["melNorm"] == "slaney" else None, dtype=np.float64)
    lg = p["log"]
    if lg["kind"] == "ln":
        return np.log(m + lg["guard"])
    if lg["kind"] == "db":
        return librosa.power_to_db(m, ref=lg["ref"], amin=lg["amin"], top_db=lg["topDb"])
    if lg["kind"] == "whisper":
        s = np.log10(np.maximum(m, 1e-10))
        return (np.maximum(s, s.max() - 8.0) + 4.0) / 4.0
    return m


def synthetic(sr):
    rng = np.random.default_rng(1234)
    t = np.arange(sr) / sr
    click = np.zeros(sr, np.float32)
    click[sr // 2] = 1.0
    return {
        "syn_silence": np.zeros(sr, np.float32),
        "syn_click": click,
        "syn_one_sample": np.array([0.5], np.float32),
        "syn_clipped": np.clip(3.0 * np.sin(2 * np.pi * 440 * t), -1, 1).astype(np.float32),
        "syn_dc": np.full(sr, 0.5, np.float32),
        "syn_short_noise": (0.1 * rng.standard_normal(sr // 10 + 7)).astype(np.float32),
    }


def save_features(out, stem, x, p, lm):
    np.save(out / f"{stem}.logmel.npy", lm)
    if p["normalize"] != "none" or p["validFrames"] != "all":
        np.save(out / f"{stem}.feat.npy", features(x, p, lm))


CODECS = [
    # (name, format, subtype, extension, source)
    ("u8", "WAV", "PCM_U8", "wav", "mono"), ("s16", "WAV", "PCM_16", "wav", "stereo"),
    ("s24", "WAV", "PCM_24", "wav", "stereo"), ("s32", "WAV", "PCM_32", "wav", "mono"),
    ("f32", "WAV", "FLOAT", "wav", "stereo"), ("f64", "WAV", "DOUBLE", "wav", "mono"),
    ("ulaw", "WAV", "ULAW", "wav", "mono"), ("alaw", "WAV", "ALAW", "wav", "stereo"),
    ("wavex_s24", "WAVEX", "PCM_24", "wav", "stereo"), ("wavex_f32", "WAVEX", "FLOAT", "wav", "mono"),
    ("wavex_u8", "WAVEX", "PCM_U8", "wav", "mono"),
    ("rf64_s16", "RF64", "PCM_16", "wav", "stereo"), ("rf64_f32", "RF64", "FLOAT", "wav", "mono"),
    ("ima_adpcm", "WAV", "IMA_ADPCM", "wav", "mono"), ("ms_adpcm", "WAV", "MS_ADPCM", "wav", "mono"),
    ("gsm", "WAV", "GSM610", "wav", "mono"),
    ("flac16", "FLAC", "PCM_16", "flac", "stereo"), ("flac24", "FLAC", "PCM_24", "flac", "mono"),
    ("vorbis", "OGG", "VORBIS", "ogg", "stereo"), ("mp3", "MP3", "MPEG_LAYER_III", "mp3", "mono"),
]


def write_codecs(c, out):
    """Small files in every encoding libsndfile writes, and libsndfile's own decode of each."""
    out.mkdir(parents=True, exist_ok=True)
    m, sr_m = sf.read(c["mono"], dtype="float64", frames=int(c["seconds"] * 16000))
    st, sr_s = sf.read(c["stereo"], dtype="float64", always_2d=True)
    st = st[: int(c["seconds"] * sr_s)]
    made = []
    for name, fmt, sub, ext, src in CODECS:
        data, sr = (m, sr_m) if src == "mono" else (st, sr_s)
        path = out / f"{name}.{ext}"
        sf.write(path, data, sr, format=fmt, subtype=sub)
        y, _ = sf.read(path, dtype="float32", always_2d=True)
        np.save(out / f"{name}.npy", np.ascontiguousarray(y.T))
        made.append({"name": name, "file": path.name, "sampleRate": sr, "channels": int(y.shape[1])})
    return made


def torch_nemo(spec, p, out):
    """NeMo's FilterbankFeatures steps in float32 torch, as NeMo runs them (only when torch is installed)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    fb = torch.from_numpy(mel_basis(p).astype(np.float32))
    win = torch.hann_window(p["winLength"], periodic=False)
    for f in spec["files"]:
        x = torch.from_numpy(np.load(out / f"{f['id']}.16000.x.npy"))
        seq = len(x) // p["hop"]
        x = torch.cat([x[:1], x[1:] - p["preemphasis"] * x[:-1]])
        s = torch.stft(x, p["nFft"], p["hop"], p["winLength"], window=win, center=True, pad_mode="constant",
                       return_complex=True)
        s = torch.sqrt(torch.view_as_real(s).pow(2).sum(-1)).pow(2.0)
        lm = torch.log(fb @ s + p["log"]["guard"])
        v = lm[:, :seq]
        mean = v.sum(1) / seq
        std = torch.sqrt(((v - mean[:, None]) ** 2).sum(1) / (seq - 1.0))
        std = torch.nan_to_num(std, nan=0.0) + p["normalizeEps"]
        feat = (lm - mean[:, None]) / std[:, None]
        feat[:, seq:] = p["padValue"]
        np.save(out / f"{f['id']}.nemo80.torch32.npy", feat.numpy().astype(np.float64))
    return torch.__version__


def mono(path):
    y, sr = sf.read(path, dtype="float32", always_2d=True)
    return y.T, y.mean(axis=1, dtype=np.float32) if y.shape[1] > 1 else y[:, 0], sr


def main():
    spec = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    summary = {"librosa_vs_numpy": {}}
    presets = spec["presets"]
    for f in spec.get("files", []):
        chans, y, sr = mono(f["path"])
        np.save(out / f"{f['id']}.pcm.npy", np.ascontiguousarray(chans))
        # Features on the first maxSeconds only: enough frames for the statistics, and fast.
        y = y[: int(spec.get("maxSeconds", 1e9) * sr)]
        at_rate = {}
        for name, p in presets.items():
            r = p["sampleRate"]
            if r not in at_rate:
                x = y if sr == r else librosa.resample(y, orig_sr=sr, target_sr=r, res_type="soxr_hq")
                at_rate[r] = np.ascontiguousarray(x, dtype=np.float32)
                np.save(out / f"{f['id']}.{r}.x.npy", at_rate[r])
            x = at_rate[r]
            lm = log_mel(x, p)
            save_features(out, f"{f['id']}.{name}", x, p, lm)
            if f["id"] in spec.get("checkLibrosa", []) and len(x) > p["nFft"]:
                d = float(np.max(np.abs(librosa_check(x, p) - lm))) if lm.size else 0.0
                k = summary["librosa_vs_numpy"]
                k[name] = max(k.get(name, 0.0), d)
    summary["torch"] = torch_nemo(spec, presets.get("nemo80"), out) if spec.get("torchNemo") else None
    if spec.get("synthetic"):
        for name, p in presets.items():
            for sid, x in synthetic(p["sampleRate"]).items():
                np.save(out / f"{sid}.{p['sampleRate']}.x.npy", x)
                save_features(out, f"{sid}.{name}", x, p, log_mel(x, p))
    for r in spec.get("resample", []):
        _, y, sr = mono(r["path"])
        to = r["to"]
        g = gcd(sr, to)
        np.save(out / f"{r['id']}.{to}.hq.npy", librosa.resample(y, orig_sr=sr, target_sr=to, res_type="soxr_hq").astype(np.float64))
        np.save(out / f"{r['id']}.{to}.scipy.npy", scipy.signal.resample_poly(y.astype(np.float64), to // g, sr // g))
    for b in spec.get("melbanks", []):
        np.save(out / f"melbank.{b['id']}.npy", librosa.filters.mel(
            sr=b["sampleRate"], n_fft=b["nFft"], n_mels=b["nMels"], fmin=b["fmin"], fmax=b["fmax"],
            htk=b["scale"] == "htk", norm="slaney" if b["norm"] == "slaney" else None, dtype=np.float64))
    if spec.get("codecs"):
        summary["codecs"] = write_codecs(spec["codecs"], out / "codecs")
    (out / "summary.json").write_text(json.dumps(summary))


if __name__ == "__main__":
    main()
