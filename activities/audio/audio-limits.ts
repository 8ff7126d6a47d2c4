/**
 * What ffprobe says about an audio file, and BDA's audio limits checked against it. Pure: no I/O.
 * Limits (BDA `bda-limits`): ≤ 240 min, ≤ 2 GB, ≥ 500 ms, ≤ 2 channels; configurable (QuarryConfig `audio.limits`).
 */
import type { ProbeResult } from '../../engines/media/ffmpeg.ts';

export interface AudioLimits {
  maxDurationMs: number;
  minDurationMs: number;
  maxBytes: number;
  maxChannels: number;
}

export const defaultAudioLimits: AudioLimits = {
  maxDurationMs: 240 * 60_000,
  minDurationMs: 500,
  maxBytes: 2048 * 1024 * 1024,
  maxChannels: 2,
};

/** The `metadata` facts of BDA's audio standard output (sizes in the units BDA uses). */
export interface AudioFacts {
  durationMs: number;
  sampleRate: number;
  channels: number;
  codec: string;
  bitrate: number;
  format: string;
  bytes: number;
  /** true when the file also has a video stream (an MP4/WebM routed to AUDIO) */
  hasVideo: boolean;
}

export type LimitViolation = { type: 'InvalidInput' | 'LimitExceeded' | 'UnsupportedMediaType'; message: string };

const fmtMin = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

/** Reads the facts from an ffprobe result; a violation when the file has no usable audio. */
export function audioFacts(probe: ProbeResult, bytes: number): AudioFacts | LimitViolation {
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  if (!audio) return { type: 'InvalidInput', message: 'the file has no audio stream' };
  const durationS = audio.duration ?? probe.format.duration;
  if (durationS === undefined || !Number.isFinite(durationS) || durationS < 0) {
    return { type: 'InvalidInput', message: 'the audio is corrupt or truncated: its duration cannot be read' };
  }
  const hasVideo = probe.streams.some((s) => s.codec_type === 'video' && !(s.disposition?.attached_pic === 1));
  const formatName = (probe.format.format_name ?? 'unknown').split(',')[0];
  return {
    durationMs: Math.round(durationS * 1000),
    sampleRate: audio.sample_rate ?? 0,
    channels: audio.channels ?? 1,
    codec: audio.codec_name ?? 'unknown',
    bitrate: Math.round(audio.bit_rate ?? probe.format.bit_rate ?? 0),
    format: formatName,
    bytes,
    hasVideo,
  };
}

/** The first limit the file breaks, or null. */
export function checkAudioLimits(f: AudioFacts, limits: AudioLimits): LimitViolation | null {
  if (f.bytes > limits.maxBytes) {
    return {
      type: 'LimitExceeded',
      message: `audio file is ${(f.bytes / 1048576).toFixed(0)} MB; the limit is ${(limits.maxBytes / 1048576).toFixed(0)} MB`,
    };
  }
  if (f.durationMs > limits.maxDurationMs) {
    return {
      type: 'LimitExceeded',
      message: `audio is ${fmtMin(f.durationMs)} long; the limit is ${fmtMin(limits.maxDurationMs)}`,
    };
  }
  if (f.durationMs < limits.minDurationMs) {
    return {
      type: 'InvalidInput',
      message: `audio is ${f.durationMs} ms long; it must be at least ${limits.minDurationMs} ms`,
    };
  }
  if (f.channels > limits.maxChannels) {
    return {
      type: 'LimitExceeded',
      message: `audio has ${f.channels} channels; at most ${limits.maxChannels} are supported`,
    };
  }
  if (f.sampleRate > 0 && (f.sampleRate < 8000 || f.sampleRate > 48000)) {
    return { type: 'InvalidInput', message: `audio sample rate ${f.sampleRate} Hz is outside 8–48 kHz` };
  }
  return null;
}
