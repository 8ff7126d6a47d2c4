import { describe, expect, it } from 'vitest';
import { audioFacts, checkAudioLimits, defaultAudioLimits } from '../../activities/audio/audio-limits.ts';
import { audioFeatures } from '../../schemas/audio-features.ts';
import { decodeArgs } from '../../engines/media/ffmpeg.ts';
import { clusterSpeakers } from '../../engines/speech/speaker-clustering.ts';
import { smoothSpeakerRuns, speakerAt } from '../../engines/speech/speaker-labels.ts';
import { moderateText } from '../../engines/language/text-moderation.ts';
import { segmentTopics } from '../../engines/language/topic-segmentation.ts';
import { buildSegments } from '../../engines/speech/transcript-segments.ts';
import {
  type AsrWord,
  dropHallucinations,
  stitchChunks,
  tokensToWords,
} from '../../engines/speech/transcript-words.ts';
import { detectSpeech, planChunks } from '../../engines/speech/voice-activity.ts';
import { matchIabCategories } from '../../engines/language/iab-categories.ts';
import { defaultStandardOutputConfiguration } from '../../schemas/output-configuration.ts';

const tok = (text: string, startMs: number, endMs: number, p = 0.9) => ({ text, startMs, endMs, p });

describe('tokens to words', () => {
  it('joins word pieces, attaches punctuation and skips special tokens', () => {
    const words = tokensToWords([
      [
        tok('[_BEG_]', 0, 0),
        tok(' And', 320, 370, 0.6),
        tok(' so', 370, 530),
        tok(',', 690, 860, 0.2),
        tok(' Amer', 900, 1000, 0.8),
        tok('icans', 1000, 1200, 1),
        tok('.', 1200, 1300),
        tok('[_TT_60]', 1300, 1300),
      ],
    ]);
    expect(words.map((w) => w.text)).toEqual(['And', 'so,', 'Americans.']);
    expect(words[1]).toMatchObject({ startMs: 370, endMs: 530 }); // punctuation does not stretch a word
    expect(words[2]).toMatchObject({ startMs: 900, endMs: 1200, confidence: 0.9, segmentEnd: true });
  });

  it('drops low-confidence hallucination segments such as a lone "you"', () => {
    const words: AsrWord[] = [
      { text: 'Hello', startMs: 0, endMs: 300, confidence: 0.9 },
      { text: 'there.', startMs: 300, endMs: 600, confidence: 0.9, segmentEnd: true },
      { text: 'you', startMs: 5000, endMs: 5200, confidence: 0.3, segmentEnd: true },
    ];
    expect(dropHallucinations(words).map((w) => w.text)).toEqual(['Hello', 'there.']);
  });
});

describe('chunk planning and stitching', () => {
  it('detects speech regions above an adaptive noise floor', () => {
    const levels = [
      ...Array(50).fill(-70),
      ...Array(40).fill(-20),
      ...Array(50).fill(-70),
      ...Array(30).fill(-22),
      ...Array(20).fill(-70),
    ];
    const r = detectSpeech(levels);
    expect(r).toHaveLength(2);
    expect(r[0].startMs).toBeLessThanOrEqual(1500);
    expect(r[0].endMs).toBeGreaterThanOrEqual(2700);
  });

  it('finds no speech in digital silence', () => {
    expect(detectSpeech(Array(200).fill(-120))).toEqual([]);
  });

  it('cuts chunks in pauses near the target length; own ranges tile the file', () => {
    const regions = [];
    for (let t = 0; t < 600_000; t += 10_000) regions.push({ startMs: t, endMs: t + 8_000 }); // 2-s pauses
    const chunks = planChunks(regions, 600_000, { targetMs: 180_000, searchMs: 45_000, overlapMs: 2_000 });
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks[0].ownStartMs).toBe(0);
    expect(chunks[chunks.length - 1].ownEndMs).toBe(600_000);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].ownStartMs).toBe(chunks[i - 1].ownEndMs);
      expect(chunks[i].ownStartMs % 10_000).toBe(9_000); // the middle of a pause
      expect(chunks[i].startMs).toBe(chunks[i].ownStartMs - 2_000);
    }
  });

  it('keeps every word at a seam exactly once', () => {
    const w = (text: string, s: number) => ({ text, startMs: s, endMs: s + 300, confidence: 1 });
    const a = { ownStartMs: 0, ownEndMs: 10_000, words: [w('one', 9_000), w('two', 9_600), w('three', 10_200)] };
    const b = { ownStartMs: 10_000, ownEndMs: 20_000, words: [w('two', 9_650), w('three', 10_250), w('four', 11_000)] };
    expect(stitchChunks([b, a]).map((x) => x.text)).toEqual(['one', 'two', 'three', 'four']);
  });
});

describe('segments, speakers, topics', () => {
  it('splits segments at sentence ends, pauses and speaker changes', () => {
    const w = (text: string, s: number, speaker = 0) => ({
      text,
      startMs: s,
      endMs: s + 200,
      confidence: 0.9,
      speaker,
      channel: 0,
    });
    const { items, segments } = buildSegments(
      [w('Hello', 0), w('world.', 250), w('How', 600), w('are', 850, 1), w('you', 3000, 1)],
      {
        pauseMs: 1500,
        maxWords: 40,
        language: 'en',
        speakers: true,
        channels: true,
      },
    );
    expect(segments.map((s) => s.text)).toEqual(['Hello world.', 'How', 'are', 'you']);
    expect(segments[2].speaker?.speaker_label).toBe('spk_1');
    expect(segments[0].channel?.channel_label).toBe('ch_0');
    expect(items[4]).toMatchObject({ item_index: 4, audio_segment_index: 3, content: 'you' });
  });

  it('smooths one-word speaker flickers into the surrounding turn', () => {
    const w = (s: number, speaker: number) => ({ startMs: s, endMs: s + 300, speaker });
    const out = smoothSpeakerRuns([
      w(0, 0),
      w(400, 0),
      w(800, 0),
      w(1200, 0),
      w(1600, 1),
      w(2000, 0),
      w(2400, 0),
      w(2800, 0),
      w(3200, 0),
    ]);
    expect(out.map((x) => x.speaker)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('finds the nearest speaker window of the same channel', () => {
    const windows = [
      { channel: 0, centerMs: 750, label: 0 },
      { channel: 0, centerMs: 1500, label: 1 },
      { channel: 1, centerMs: 800, label: 2 },
    ];
    expect(speakerAt(windows, 0, 0)).toBe(0);
    expect(speakerAt(windows, 0, 1200)).toBe(1);
    expect(speakerAt(windows, 0, 99_000)).toBe(1);
    expect(speakerAt(windows, 1, 10)).toBe(2);
    expect(speakerAt([], 0, 10)).toBe(0);
  });

  it('clusters two well-separated voices and keeps one voice as one speaker', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed / 2147483647 - 0.5) * 0.4;
    };
    const voice = (centre: number) =>
      Float32Array.from({ length: 8 }, (_, j) => centre + (j % 2 ? 0.5 : -0.5) * centre + rnd());
    const two = [...Array.from({ length: 20 }, () => voice(1)), ...Array.from({ length: 20 }, () => voice(-1))];
    const r = clusterSpeakers(two);
    expect(r.speakers).toBe(2);
    expect(new Set(r.labels.slice(0, 20))).toEqual(new Set([0]));
    expect(new Set(r.labels.slice(20))).toEqual(new Set([1]));
    const one = Array.from({ length: 40 }, () => Float32Array.from({ length: 8 }, () => rnd()));
    expect(clusterSpeakers(one).speakers).toBe(1);
  });

  it('segments topics where the vocabulary changes', () => {
    const seg = (text: string, i: number) => ({ text, startMs: i * 20_000, endMs: i * 20_000 + 19_000 });
    const cooking = 'The recipe needs flour, butter and sugar; bake the cake in the oven until the crust is golden.';
    const football = 'The striker scored a goal in the football match and the team won the league title.';
    const segs = [...Array(6).fill(cooking), ...Array(6).fill(football)].map(seg);
    const topics = segmentTopics(segs);
    expect(topics).toHaveLength(2);
    expect(topics[1].first).toBe(6);
  });
});

describe('moderation, IAB, limits, configuration', () => {
  it('scores the 7 BDA categories from a lexicon', () => {
    const s = moderateText("You stupid idiot, I'll kill you.");
    expect(s.insults).toBeGreaterThan(0.7);
    expect(s.violence_or_threat).toBeGreaterThan(0.9);
    expect(s.sexual).toBeLessThan(0.01);
    expect(Object.keys(s)).toHaveLength(7);
    expect(Math.max(...Object.values(moderateText('The library opens in March.')))).toBeLessThan(0.01);
  });

  it('matches IAB Content Taxonomy 3.1 categories', () => {
    const cats = matchIabCategories(
      'The team scored in the final match of the football league; the coach praised every player.',
    );
    expect(cats[0]).toMatchObject({ type: 'IAB', taxonomy_level: expect.any(Number) });
    expect(cats.map((c) => c.category)).toContain('Sports');
  });

  it('turns ffprobe output into facts and enforces the limits', () => {
    const probe = {
      streams: [
        {
          index: 0,
          codec_type: 'audio',
          codec_name: 'mp3',
          sample_rate: 44100,
          channels: 2,
          bit_rate: 128000,
          duration: 12.5,
        },
      ],
      format: { format_name: 'mp3', duration: 12.5, size: 200000, bit_rate: 128000 },
    };
    const f = audioFacts(probe as never, 200000);
    expect(f).toMatchObject({ durationMs: 12500, sampleRate: 44100, channels: 2, codec: 'mp3', format: 'mp3' });
    if ('message' in f) throw new Error('unexpected');
    expect(checkAudioLimits(f, defaultAudioLimits)).toBeNull();
    expect(checkAudioLimits({ ...f, durationMs: 241 * 60_000 }, defaultAudioLimits)?.type).toBe('LimitExceeded');
    expect(checkAudioLimits({ ...f, durationMs: 300 }, defaultAudioLimits)?.message).toMatch(/at least 500 ms/);
    expect(checkAudioLimits({ ...f, channels: 6 }, defaultAudioLimits)?.message).toMatch(/6 channels/);
    expect(audioFacts({ streams: [{ index: 0, codec_type: 'video' }], format: {} } as never, 10)).toMatchObject({
      type: 'InvalidInput',
    });
  });

  it('decodes with an argument array (no shell) and picks one channel when asked', () => {
    const args = decodeArgs('/x/my file;rm -rf.mp3', { startMs: 1500, durationMs: 2000, channel: 1 });
    expect(args).toContain('/x/my file;rm -rf.mp3');
    expect(args.join(' ')).toMatch(/-ss 1\.500 -t 2\.000 -i/);
    expect(args).toContain('pan=mono|c0=c1');
  });

  it('reads the BDA audio configuration', () => {
    const f = audioFeatures(defaultStandardOutputConfiguration);
    expect(f).toMatchObject({ transcript: true, speakers: true, channels: false, audioSummary: true, iab: true });
    expect(audioFeatures({ audio: { extraction: { category: { state: 'DISABLED' } } } }).transcript).toBe(false);
  });
});
