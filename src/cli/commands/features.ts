import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeNpy, featuresFromAudio, frameCount, getPreset, PRESETS, readAudioFile, RESAMPLE_FILTERS, type ResampleQuality } from '../../core/audio';
import { OnnxLabError } from '../../core/errors';
import { parseArgs } from '../args';
import type { CliCommand } from '../command';

/** Features of an audio file as .npy, to compare with the Python side. */
export const featuresCommand: CliCommand = {
  name: 'features',
  summary: 'compute log-mel features of an audio file (nemo80, conette, ...) and write them as .npy',
  usage: [
    'onnx-lab features AUDIO --preset NAME --out FILE.npy [--resample hq|scipy|fast] [--force] [--json]',
    'onnx-lab features --presets [--json]',
    `  AUDIO: WAV, FLAC, Ogg Vorbis or MP3. Presets: ${Object.keys(PRESETS).join(', ')}.`,
    '  The audio is averaged to mono and resampled to the preset rate; the .npy is float32 [n_mels, frames].',
    '  --json prints a summary (preset, shape, valid frames, source) as JSON on stdout.',
    '  --presets prints every preset\'s parameters.',
    '  Exit 0 on success, 2 when the file could not be read or written.',
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(argv, { values: ['preset', 'out', 'resample'], flags: ['force', 'json', 'presets'] });
    if (args.flags.presets) {
      io.out(args.flags.json ? JSON.stringify(PRESETS, null, 2) : Object.values(PRESETS).map((p) => `${p.name}: ${p.description}\n  ${JSON.stringify(p)}`).join('\n'));
      return 0;
    }
    const [file, extra] = args.positional;
    if (!file) throw new OnnxLabError('cli.usage', 'missing AUDIO (see onnx-lab features --help)');
    if (extra) throw new OnnxLabError('cli.usage', `one AUDIO file at a time (got also ${extra})`);
    if (!args.values.preset) throw new OnnxLabError('cli.usage', `missing --preset (one of ${Object.keys(PRESETS).join(', ')})`);
    if (!args.values.out) throw new OnnxLabError('cli.usage', 'missing --out FILE.npy');
    const preset = getPreset(args.values.preset);
    const quality = (args.values.resample ?? 'hq') as ResampleQuality;
    if (!(quality in RESAMPLE_FILTERS)) throw new OnnxLabError('cli.usage', `--resample must be one of ${Object.keys(RESAMPLE_FILTERS).join(', ')}`);
    const input = path.resolve(io.cwd, file);
    const out = path.resolve(io.cwd, args.values.out);
    if (existsSync(out) && !args.flags.force) throw new OnnxLabError('cli.exists', 'already exists (pass --force to overwrite)', out);

    const t0 = performance.now();
    const audio = await readAudioFile(input);
    const f = featuresFromAudio(audio, preset, { resampleQuality: quality });
    const ms = performance.now() - t0;
    try {
      await writeFile(out, encodeNpy(f.data, [f.nMels, f.frames]));
    } catch (e) {
      throw new OnnxLabError('cli.write', `cannot write: ${(e as Error).message}`, out, { cause: e });
    }
    const frames = frameCount(audio);
    const summary = {
      out,
      preset: preset.name,
      shape: [f.nMels, f.frames],
      dtype: 'float32',
      validFrames: f.validFrames,
      source: {
        file: input,
        sampleRate: audio.sampleRate,
        channels: audio.channels.length,
        seconds: frames / audio.sampleRate,
        format: audio.format,
      },
      resampled: audio.sampleRate !== preset.sampleRate ? { from: audio.sampleRate, to: preset.sampleRate, quality } : null,
      ms: Math.round(ms),
    };
    if (args.flags.json) io.out(JSON.stringify(summary, null, 2));
    else {
      io.out(`wrote ${path.relative(io.cwd, out) || out}: ${preset.name} [${f.nMels}, ${f.frames}] float32, ${f.validFrames} valid frames` +
        ` from ${audio.channels.length} ch ${audio.sampleRate} Hz ${(frames / audio.sampleRate).toFixed(2)} s ${audio.format.container}` +
        `${summary.resampled ? ` (resampled to ${preset.sampleRate} Hz, ${quality})` : ''} in ${summary.ms} ms`);
    }
    return 0;
  },
};
