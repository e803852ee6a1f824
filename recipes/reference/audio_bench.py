"""Python side of bench/features.bench.ts: times the reference frameworks on the same audio.

Usage: audio_bench.py SPEC.json  (prints one JSON object on stdout)
SPEC: {"x16": npy, "x32": npy, "x44": npy, "runs": N, "presets": {"nemo80": {...}, "conette": {...}}}
Single-threaded (the bench sets OMP/MKL/OPENBLAS threads to 1; torch.set_num_threads(1) here).
Timings are medians in milliseconds (wall; cpu_ms: the same runs in process CPU time); rss_mb is this process's peak resident set.
"""
import json
import resource
import sys
import time

import librosa
import numpy as np
import scipy.signal


CPU = {}


def median_ms(fn, runs, name=None):
    """Median wall ms; with `name`, the median process CPU ms is kept in CPU[name] too (on a shared,
    loaded machine CPU time is the steadier figure of the two)."""
    fn()
    t, c = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        t.append((time.perf_counter() - t0) * 1000)
        c.append((time.process_time() - c0) * 1000)
    if name:
        CPU[name] = float(np.median(c))
    return float(np.median(t))


def librosa_nemo(x, p, fb):
    x = np.concatenate([x[:1], x[1:] - p["preemphasis"] * x[:-1]])
    win = scipy.signal.get_window("hann", p["winLength"], fftbins=False)
    s = np.abs(librosa.stft(x, n_fft=p["nFft"], hop_length=p["hop"], win_length=p["winLength"], window=win,
                            center=True, pad_mode="constant")) ** 2
    lm = np.log(fb @ s + 2.0 ** -24)
    valid = len(x) // p["hop"]
    v = lm[:, :valid]
    mean = v.mean(axis=1, keepdims=True)
    std = v.std(axis=1, ddof=1, keepdims=True) + p["normalizeEps"]
    out = (lm - mean) / std
    out[:, valid:] = 0
    return out


def librosa_conette(x, p):
    m = librosa.feature.melspectrogram(y=x, sr=p["sampleRate"], n_fft=p["nFft"], hop_length=p["hop"],
                                       win_length=p["winLength"], window="hann", center=True, pad_mode="reflect",
                                       power=2.0, n_mels=p["nMels"], fmin=p["fmin"], fmax=p["fmax"])
    return librosa.power_to_db(m, ref=1.0, amin=1e-10, top_db=None)


def main():
    spec = json.load(open(sys.argv[1]))
    runs = spec["runs"]
    x16 = np.load(spec["x16"])
    x32 = np.load(spec["x32"])
    x44 = np.load(spec["x44"])
    pn, pc = spec["presets"]["nemo80"], spec["presets"]["conette"]
    fb_n = librosa.filters.mel(sr=16000, n_fft=512, n_mels=80, fmin=0, fmax=8000)
    fb_c = librosa.filters.mel(sr=32000, n_fft=1024, n_mels=224, fmin=50, fmax=14000)
    out = {"seconds": len(x16) / 16000}
    out["librosa_nemo80"] = median_ms(lambda: librosa_nemo(x16, pn, fb_n), runs, "librosa_nemo80")
    out["librosa_conette"] = median_ms(lambda: librosa_conette(x32, pc), runs, "librosa_conette")
    out["soxr_hq"] = median_ms(lambda: librosa.resample(x44, orig_sr=44100, target_sr=16000, res_type="soxr_hq"), runs, "soxr_hq")
    out["resample_poly"] = median_ms(lambda: scipy.signal.resample_poly(x44, 160, 441), runs, "resample_poly")
    try:
        import torch
        torch.set_num_threads(1)
        t16, t32 = torch.from_numpy(x16), torch.from_numpy(x32)
        wn = torch.hann_window(400, periodic=False)
        wc = torch.hann_window(1024, periodic=True)
        fbn, fbc = torch.from_numpy(fb_n), torch.from_numpy(fb_c)

        def torch_nemo():
            # NeMo's FilterbankFeatures steps, batch of one.
            x = torch.cat([t16[:1], t16[1:] - 0.97 * t16[:-1]])
            s = torch.stft(x, 512, 160, 400, window=wn, center=True, pad_mode="constant", return_complex=True)
            s = torch.view_as_real(s).pow(2).sum(-1)
            lm = torch.log(fbn @ s + 2.0 ** -24)
            valid = len(x) // 160
            v = lm[:, :valid]
            out = (lm - v.mean(1, keepdim=True)) / (v.std(1, keepdim=True) + 1e-5)
            out[:, valid:] = 0
            return out

        def torch_conette():
            s = torch.stft(t32, 1024, 320, 1024, window=wc, center=True, pad_mode="reflect", return_complex=True)
            s = torch.view_as_real(s).pow(2).sum(-1)
            return 10.0 * torch.log10(torch.clamp(fbc @ s, min=1e-10))

        with torch.inference_mode():
            out["torch_nemo80"] = median_ms(torch_nemo, runs, "torch_nemo80")
            out["torch_conette"] = median_ms(torch_conette, runs, "torch_conette")
        out["torch"] = torch.__version__
    except ImportError:
        out["torch"] = None
    out["cpu_ms"] = CPU
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
