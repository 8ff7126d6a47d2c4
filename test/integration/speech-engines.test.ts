/**
 * Quarry's two speech engines on real audio (espeak-ng speech, real ffmpeg, the Whisper base weights setup installs):
 * faster-whisper and whisper.cpp agree on the words, QUARRY_ASR_ENGINE=whisper.cpp still runs whisper.cpp, and a
 * faster-whisper process killed in the middle of a request gives a clear error while the next request succeeds.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePcm } from '../../engines/media/ffmpeg.ts';
import { fasterWhisperProcess } from '../../engines/speech/faster-whisper.ts';
import {
  fasterWhisperInstalled,
  recognize,
  releaseRecognizers,
  speechEngine,
} from '../../engines/speech/speech-recognizer.ts';
import { loadConfig } from '../../schemas/config.ts';
import { normalizeText, wordErrors } from '../../bench/audio/wer.ts';
import { SPEECH_TEXT, speak } from '../fixtures/audio/make-audio.ts';

const env = (engine: string) => ({ ...process.env, QUARRY_ASR_ENGINE: engine });
const asr = (engine: string) => loadConfig(env(engine)).audio.asr;
const installed = fasterWhisperInstalled(asr('auto').fasterWhisper);
const text = (words: { text: string }[]) => normalizeText(words.map((w) => w.text).join(' '));

let dir: string;
let pcm: Float32Array;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-speech-engines-'));
  pcm = await decodePcm(speak(path.join(dir, 'speech.wav'), SPEECH_TEXT));
});
afterAll(async () => {
  await releaseRecognizers();
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!installed)('speech engines (faster-whisper installed by setup)', () => {
  it('auto runs faster-whisper, and both engines agree on the words with file times', async () => {
    expect(speechEngine(asr('auto'))).toBe('faster-whisper');
    const fw = await recognize(pcm, 5000, asr('auto'));
    const cpp = await recognize(pcm, 5000, asr('whisper.cpp'));
    expect(fw.engine).toMatch(/^faster-whisper 1\.2\.1 \(CTranslate2 4\.8\.5, int8\)/);
    expect(cpp.engine).toMatch(/^whisper\.cpp/);
    const ref = normalizeText(SPEECH_TEXT);
    for (const r of [fw, cpp]) {
      expect(wordErrors(ref, text(r.words)) / ref.length).toBeLessThan(0.1);
      expect(r.language).toBe('en');
      expect(r.words[0].startMs).toBeGreaterThanOrEqual(5000);
      expect(r.words.at(-1)?.endMs).toBeLessThanOrEqual(5000 + (pcm.length / 16000) * 1000 + 500);
      expect(r.words.every((w) => w.confidence > 0 && w.confidence <= 1)).toBe(true);
      expect(r.words.at(-1)?.segmentEnd).toBe(true);
    }
    const between = wordErrors(text(cpp.words), text(fw.words)) / text(cpp.words).length;
    expect(between).toBeLessThan(0.1);
    // the words line up in time too: the same word starts within half a second on both engines
    const firstFw = fw.words.find((w) => /sales/i.test(w.text));
    const firstCpp = cpp.words.find((w) => /sales/i.test(w.text));
    expect(Math.abs((firstFw?.startMs ?? 0) - (firstCpp?.startMs ?? 1e9))).toBeLessThan(500);
  });

  it('QUARRY_ASR_ENGINE=whisper.cpp runs whisper.cpp', async () => {
    expect(speechEngine(asr('whisper.cpp'))).toBe('whisper.cpp');
    const r = await recognize(pcm, 0, asr('whisper.cpp'));
    expect(r.engine).toMatch(/^whisper\.cpp \(smart-whisper/);
    expect(text(r.words).join(' ')).toContain('quarterly sales review');
  });

  it('a faster-whisper process killed mid-request is a clear error, and the next request succeeds', async () => {
    const opts = asr('faster-whisper');
    await recognize(pcm, 0, opts); // the process is up and loaded
    const proc = fasterWhisperProcess({ ...opts.fasterWhisper, threads: opts.threads });
    const pid = proc.pid;
    expect(pid).toBeGreaterThan(0);
    // a minute of speech: long enough to be killed in the middle of
    const long = new Float32Array(pcm.length * 6);
    for (let i = 0; i < 6; i++) long.set(pcm, i * pcm.length);
    const request = recognize(long, 0, opts);
    // a minute of audio takes seconds: half a second in, the process is working on it
    setTimeout(() => process.kill(pid as number, 'SIGKILL'), 500);
    await expect(request).rejects.toThrow(/faster-whisper exited with signal SIGKILL while transcribing/);
    const again = await recognize(pcm, 0, opts);
    expect(proc.pid).not.toBe(pid);
    expect(text(again.words).join(' ')).toContain('quarterly sales review');
  });

  it('cancelling a request kills the process; the next one restarts it', async () => {
    const opts = asr('faster-whisper');
    await recognize(pcm, 0, opts);
    const proc = fasterWhisperProcess({ ...opts.fasterWhisper, threads: opts.threads });
    const pid = proc.pid;
    const ac = new AbortController();
    const request = recognize(pcm, 0, opts, undefined, ac.signal);
    setTimeout(() => ac.abort(new Error('activity cancelled')), 50);
    await expect(request).rejects.toThrow('activity cancelled');
    expect((await recognize(pcm, 0, opts)).words.length).toBeGreaterThan(10);
    expect(proc.pid).not.toBe(pid);
  });
});
