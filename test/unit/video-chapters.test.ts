import { describe, expect, it } from 'vitest';
import { chapterSummary, videoSummary } from '../../activities/video/describe-video.ts';
import { dedupeShotFrames } from '../../activities/video/compose-video.ts';
import { contentChapters, type ChapterShot } from '../../engines/media/content-chapters.ts';
import { planKeyframes } from '../../engines/media/keyframes.ts';
import type { VideoFrame } from '../../schemas/video-output.ts';

const hist = (bin: number) => Array.from({ length: 8 }, (_, i) => (i === bin ? 1 : 0));
const shot = (i: number, text: string, bin: number): ChapterShot => ({
  startMs: i * 8000,
  endMs: (i + 1) * 8000,
  text,
  histograms: [hist(bin)],
});

describe('content chapters', () => {
  it('group shots by what is said and shown, not by a fixed length', () => {
    const shots = [
      shot(0, 'quarterly sales review revenue', 0),
      shot(1, 'sales revenue rose twelve percent', 0),
      shot(2, 'garden plant seeds spring', 3),
      shot(3, 'garden soil compost', 4),
      shot(4, 'pasta recipe tomatoes', 6),
      shot(5, 'serve the pasta with basil', 7),
    ];
    expect(contentChapters(shots)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });
  it('without words, shots that look alike stay together (a cut back to the same set)', () => {
    const shots = [shot(0, '', 0), shot(1, '', 1), shot(2, '', 0), shot(3, '', 5), shot(4, '', 6), shot(5, '', 5)];
    expect(contentChapters(shots)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });
  it('one shot is one chapter; one topic throughout is one chapter', () => {
    expect(contentChapters([shot(0, 'a', 0)])).toEqual([[0]]);
    const same = [0, 1, 2, 3].map((i) => shot(i, 'the quarterly sales review', 0));
    expect(contentChapters(same)).toEqual([[0, 1, 2, 3]]);
  });
});

describe('video summaries', () => {
  const chapter = {
    startMs: 0,
    endMs: 16_000,
    speech: ['Welcome to the quarterly sales review.', 'Sales revenue rose twelve percent.'],
    screen: ['QUARTERLY SALES REVIEW', 'QUARTERLY SALES REVIEW', 'REVENUE UP TWELVE PERCENT'],
    objects: [],
    colours: ['blue'],
  };
  it('a chapter summary says what was said and what was on screen (each line once)', () => {
    const s = chapterSummary(chapter);
    expect(s).toContain('sales review');
    expect(s).toContain('On screen: "QUARTERLY SALES REVIEW", "REVENUE UP TWELVE PERCENT".');
  });
  it('the video summary is an outline of the chapters, not the transcript', () => {
    const s = videoSummary([chapter, { ...chapter, startMs: 16_000, endMs: 48_000, speech: [], screen: [] }], 48_000);
    expect(s).toMatch(/^A 48-second video in 2 chapters\. 0:00–0:16: /);
    expect(s).toContain('0:16–0:48: no speech or text read.');
    expect(s).not.toContain(chapter.speech.join(' '));
  });
});

describe('keyframes', () => {
  it('the middle of a short shot; a long shot one per stretch, its steady picture inside the shot', () => {
    const shots = [
      { shot_index: 0, start_frame_index: 0, end_frame_index: 99, start_timestamp_millis: 0, end_timestamp_millis: 4000, duration_millis: 4000 },
      { shot_index: 1, start_frame_index: 100, end_frame_index: 599, start_timestamp_millis: 4000, end_timestamp_millis: 24_000, duration_millis: 20_000 },
    ];
    const k = planKeyframes(shots, 25, 10_000);
    expect(k.map((x) => x.frameIndex)).toEqual([50, 225, 475]);
    expect(k[0]).toMatchObject({ ms: 2000, steadyFromMs: 1500, steadyToMs: 2500 });
  });
  it('a later keyframe of a shot keeps only the text no earlier one read', () => {
    const frame = (ms: number, lines: string[]): VideoFrame => ({
      shot_index: 0,
      timecode_smpte: '00:00:00:00',
      timestamp_millis: ms,
      frame_index: ms / 40,
      text_lines: lines.map((text, i) => ({ id: `l${i}`, type: 'TEXT_LINE', text, confidence: 0.9, locations: [] })),
      text_words: lines.map((text, i) => ({ id: `w${i}`, type: 'TEXT_WORD', text, confidence: 0.9, line_id: `l${i}`, locations: [] })),
    });
    const out = dedupeShotFrames([frame(0, ['TITLE']), frame(10_000, ['Title', 'NEW LINE']), frame(20_000, ['TITLE'])]);
    expect(out.map((f) => f.text_lines?.map((l) => l.text))).toEqual([['TITLE'], ['NEW LINE']]);
    expect(out[1].text_words?.map((w) => w.text)).toEqual(['NEW LINE']);
  });
});

describe("the audio track's settings", () => {
  it("follow the video's settings, not the request's audio settings", async () => {
    const { audioTrackConfiguration } = await import('../../schemas/video-features.ts');
    const { audioFeatures } = await import('../../schemas/audio-features.ts');
    const request = {
      audio: { extraction: { category: { state: 'DISABLED' as const } }, generativeField: { state: 'ENABLED' as const } },
      video: {
        extraction: { category: { state: 'ENABLED' as const, types: ['TRANSCRIPT' as const] }, boundingBox: { state: 'ENABLED' as const } },
      },
    };
    expect(audioFeatures(audioTrackConfiguration(request))).toMatchObject({
      transcript: true,
      speakers: true,
      audioModeration: false,
      topicModeration: false,
      audioSummary: false,
      topicSummary: false,
      iab: false,
    });
    const noTranscript = { ...request, video: { ...request.video, extraction: { ...request.video.extraction, category: { state: 'ENABLED' as const, types: ['TEXT_DETECTION' as const] } } } };
    expect(audioFeatures(audioTrackConfiguration(noTranscript)).transcript).toBe(false);
  });
});

describe('content chapters: valleys only', () => {
  it('a gap between two lower gaps is inside a topic, even when its own similarity is modest', () => {
    const shots = [
      shot(0, 'quarterly sales review revenue', 0),
      shot(1, 'sales revenue rose twelve percent', 0),
      shot(2, 'in the garden plant seeds in spring', 3),
      shot(3, 'good garden soil needs compost', 4),
      shot(4, 'this easy pasta recipe needs tomatoes', 6),
      shot(5, 'serve the pasta with fresh basil', 7),
    ];
    expect(contentChapters(shots)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });
});
