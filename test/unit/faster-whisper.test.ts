import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fasterWhisperWords, parseFasterWhisperLine } from '../../engines/speech/faster-whisper-reply.ts';
import { FasterWhisperProcess, FasterWhisperStartError } from '../../engines/speech/faster-whisper.ts';
import { speechEngine } from '../../engines/speech/speech-recognizer.ts';
import { ConfigError, loadConfig } from '../../schemas/config.ts';

const w = (word: string, start: number, end: number, probability = 0.9) => ({ word, start, end, probability });
const seg = (words: ReturnType<typeof w>[]) => ({
  start: words[0]?.start ?? 0,
  end: words.at(-1)?.end ?? 0,
  text: words.map((x) => x.word).join(''),
  words,
});

describe('faster-whisper replies', () => {
  it('parses each kind of line and refuses malformed ones with the line quoted', () => {
    expect(
      parseFasterWhisperLine(
        '{"event":"ready","faster_whisper":"1.2.1","ctranslate2":"4.8.5","compute_type":"int8","threads":2}',
      ),
    ).toMatchObject({ event: 'ready' });
    expect(parseFasterWhisperLine('{"id":3,"event":"segment","segments":2,"end":4.5}')).toMatchObject({ id: 3 });
    expect(parseFasterWhisperLine('{"id":3,"language":"en","segments":[]}')).toMatchObject({ language: 'en' });
    expect(parseFasterWhisperLine('{"id":null,"error":"request is not JSON"}')).toMatchObject({ id: null });
    expect(() => parseFasterWhisperLine('Traceback (most recent call last):')).toThrow(/not JSON: Traceback/);
    expect(() => parseFasterWhisperLine('{"id":3,"segments":[{"start":-1}]}')).toThrow(/malformed reply/);
  });

  it('maps words to transcript words with file times, confidences and segment ends', () => {
    const words = fasterWhisperWords(
      [
        seg([w(' And', 0, 0.52, 0.6634), w(' so', 0.52, 0.82), w(' Americans,', 1.5, 2.1)]),
        seg([w(' ask', 2.76, 3.74), w(' not', 2.5, 3.6), w('.', 3.6, 3.6, 0.1)]),
      ],
      10_000,
    );
    expect(words).toEqual([
      { text: 'And', startMs: 10_000, endMs: 10_520, confidence: 0.663 },
      { text: 'so', startMs: 10_520, endMs: 10_820, confidence: 0.9 },
      { text: 'Americans,', startMs: 11_500, endMs: 12_100, confidence: 0.9, segmentEnd: true },
      { text: 'ask', startMs: 12_760, endMs: 13_740, confidence: 0.9 },
      // times made monotone; a punctuation-only word joins the word before it
      { text: 'not.', startMs: 12_760, endMs: 13_600, confidence: 0.9, segmentEnd: true },
    ]);
  });

  it('joins a word without the leading space to the one before it, as the amount "$38.50"', () => {
    const words = fasterWhisperWords([seg([w(' is', 0, 0.3), w(' $38', 0.3, 0.9, 0.8), w('.50.', 0.9, 1.4, 0.7)])], 0);
    expect(words).toEqual([
      { text: 'is', startMs: 0, endMs: 300, confidence: 0.9 },
      { text: '$38.50.', startMs: 300, endMs: 1400, confidence: 0.7, segmentEnd: true },
    ]);
  });

  it("drops Whisper's hallucinations on silence as the whisper.cpp path does, and empty words", () => {
    const words = fasterWhisperWords(
      [
        seg([w(' Hello', 0, 0.5), w(' world.', 0.5, 1)]),
        seg([w(' Thank', 20, 20.2, 0.3), w(' you.', 20.2, 20.5, 0.3)]),
      ],
      0,
    );
    expect(words.map((x) => x.text)).toEqual(['Hello', 'world.']);
    expect(fasterWhisperWords([seg([w(' ', 0, 0), w('...', 0, 1)])], 0)).toEqual([]);
  });
});

describe('faster-whisper process (a fake server speaking the protocol)', () => {
  const fw = new FasterWhisperProcess({
    python: 'python3',
    modelDir: '/nonexistent',
    threads: 1,
    server: fileURLToPath(new URL('../fixtures/speech/fake_faster_whisper_server.py', import.meta.url)),
    requestTimeoutMs: () => 2000,
  });
  afterAll(() => fw.close());
  const pcm = (seconds: number) => new Float32Array(seconds * 16000);
  const ask = (language: string, seconds = 2, more: { signal?: AbortSignal } = {}) =>
    fw.transcribe({ pcm: pcm(seconds), offsetMs: 500, language, beamSize: 1, ...more });

  it('answers requests one at a time, in order, with progress and the engine named', async () => {
    const progress: number[] = [];
    const [a, b] = await Promise.all([
      fw.transcribe({
        pcm: pcm(2),
        offsetMs: 0,
        language: 'en',
        beamSize: 1,
        onProgress: (_, end) => progress.push(end),
      }),
      ask('en', 3),
    ]);
    expect(a.words.map((x) => x.text)).toEqual(['w0', 'w1']);
    expect(b.words.map((x) => [x.text, x.startMs])).toEqual([
      ['w0', 500],
      ['w1', 1500],
      ['w2', 2500],
    ]);
    expect(progress).toEqual([2000]);
    expect(a.engine).toBe('faster-whisper fake (CTranslate2 fake, int8), OpenAI Whisper base');
  });

  it('a crash, a malformed reply and a hang each become a clear error, and the next request succeeds', async () => {
    const first = fw.pid;
    await expect(ask('crash')).rejects.toThrow(/exited with code 3 while transcribing: Segmentation fault \(pretend\)/);
    expect((await ask('en')).words).toHaveLength(2);
    expect(fw.pid).not.toBe(first);
    await expect(ask('garbage')).rejects.toThrow(/not JSON: this is not json/);
    expect((await ask('en')).words).toHaveLength(2);
    await expect(ask('hang')).rejects.toThrow(/took longer than 2 s/);
    expect((await ask('en')).words).toHaveLength(2);
    await expect(ask('fail')).rejects.toThrow(/could not transcribe: ValueError: bad audio/);
    expect((await ask('en')).words).toHaveLength(2);
  });

  it('cancelling kills the process, a queued request is answered at once, and the next one restarts it', async () => {
    await ask('en');
    const pid = fw.pid;
    const running = new AbortController();
    const queued = new AbortController();
    const a = ask('hang', 2, { signal: running.signal });
    const b = ask('en', 2, { signal: queued.signal });
    queued.abort(new Error('queued one cancelled'));
    await expect(b).rejects.toThrow('queued one cancelled');
    setTimeout(() => running.abort(new Error('cancelled by Temporal')), 100);
    await expect(a).rejects.toThrow('cancelled by Temporal');
    expect(fw.pid).toBeUndefined();
    expect((await ask('en')).words).toHaveLength(2);
    expect(fw.pid).not.toBe(pid);
  });

  it('a server that cannot start is a FasterWhisperStartError', async () => {
    const broken = new FasterWhisperProcess({ python: '/nonexistent/python', modelDir: '/x', threads: 1 });
    await expect(broken.transcribe({ pcm: pcm(1), offsetMs: 0, language: 'en', beamSize: 1 })).rejects.toBeInstanceOf(
      FasterWhisperStartError,
    );
  });
});

describe('QUARRY_ASR_ENGINE', () => {
  it('is auto by default: faster-whisper only when its venv and model are installed', () => {
    const asr = loadConfig({ QUARRY_ROOT: '/nonexistent' }).audio.asr;
    expect(asr.engine).toBe('auto');
    expect(asr.fasterWhisper).toEqual({
      python: '/nonexistent/.tools/faster-whisper-venv/bin/python',
      modelDir: '/nonexistent/.models/whisper/ct2',
    });
    expect(speechEngine(asr)).toBe('whisper.cpp');
    expect(speechEngine({ ...asr, engine: 'faster-whisper' })).toBe('faster-whisper');
  });

  it('names the engine or refuses the value', () => {
    expect(loadConfig({ QUARRY_ASR_ENGINE: 'whisper.cpp' }).audio.asr.engine).toBe('whisper.cpp');
    expect(() => loadConfig({ QUARRY_ASR_ENGINE: 'vosk' })).toThrow(ConfigError);
  });
});
