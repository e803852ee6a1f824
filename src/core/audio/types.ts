/** Shared shapes of the audio core. Sample values are floats in [-1, 1] (float sources may exceed it). */

/** How the samples were stored in the source file. */
export interface SourceFormat {
  /** Container/codec: 'wav', 'rf64', 'flac', 'ogg-vorbis', 'mp3'. */
  container: string;
  /** Sample encoding: 'pcm-u8', 'pcm-s16', 'pcm-s24', 'pcm-s32', 'float32', 'float64', 'mulaw', 'alaw', or the codec name. */
  encoding: string;
  /** Significant bits per sample (e.g. 20 inside a 24-bit container); 0 where the codec has none. */
  bitsPerSample: number;
  /** Number of channels in the file. */
  channels: number;
  /** The WAVE_FORMAT_EXTENSIBLE channel mask, when present. */
  channelMask?: number;
  /** True when the file ended before the size its header declared; the frames present were read. */
  truncated?: boolean;
}

export interface AudioData {
  /** One Float32Array per channel, all of the same length. */
  channels: Float32Array[];
  sampleRate: number;
  format: SourceFormat;
}

/** Frames (samples per channel) of an AudioData. */
export function frameCount(audio: AudioData): number {
  return audio.channels.length ? audio.channels[0].length : 0;
}
