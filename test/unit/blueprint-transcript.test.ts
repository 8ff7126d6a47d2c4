/**
 * Blueprints on recordings, pure: an AUDIO or VIDEO standard output becomes transcript lines with stable ids and
 * times, the layout pass and the model pass read fields from them, and custom output carries each value's time
 * (start/end ms) instead of page and box. The transcripts are hand-written, shaped as whisper.cpp writes them
 * (punctuation glued to words, "is$38.50.").
 */
import { describe, expect, it } from 'vitest';
import { readWithModel } from '../../activities/custom-output/model-fields.ts';
import { shapeDocument } from '../../blueprints/apply.ts';
import { parseBlueprint } from '../../blueprints/dialect.ts';
import type { FieldValue } from '../../blueprints/evidence.ts';
import { extractFields } from '../../blueprints/extract.ts';
import { layoutFromStandardOutput } from '../../blueprints/layout.ts';
import { clock, readingPrompt, TRANSCRIPT_READING_SYSTEM } from '../../blueprints/model-prompt.ts';
import { buildCustomOutput, scoreResult, validateInferenceResult } from '../../blueprints/output.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { VideoStandardOutput } from '../../schemas/video-output.ts';

/** An audio standard output from timed words, one segment per sentence (as engines/speech/transcript-segments.ts). */
function audioOutput(sentences: { speaker: string; words: [string, number, number][] }[]) {
  const items: AudioStandardOutput['audio_items'] = [];
  const segments: AudioStandardOutput['audio_segments'] = sentences.map((s, segment_index) => {
    const indices = s.words.map(([content, start, end]) => {
      items.push({
        item_index: items.length,
        audio_segment_index: segment_index,
        type: 'TRANSCRIPT',
        content,
        start_timestamp_millis: start,
        end_timestamp_millis: end,
        confidence: 0.9,
      });
      return items.length - 1;
    });
    return {
      segment_index,
      type: 'TRANSCRIPT',
      text: s.words.map((w) => w[0]).join(' '),
      start_timestamp_millis: s.words[0][1],
      end_timestamp_millis: s.words[s.words.length - 1][2],
      speaker: { speaker_label: s.speaker },
      audio_item_indices: indices,
      language: 'EN',
    };
  });
  return AudioStandardOutput.parse({
    metadata: {
      asset_id: '0',
      semantic_modality: 'AUDIO',
      sample_rate: 16000,
      bitrate: 256000,
      number_of_channels: 1,
      codec: 'pcm_s16le',
      duration_millis: 15000,
      format: 'wav',
      dominant_asset_language: 'EN',
      generative_output_language: 'DEFAULT',
    },
    audio: { transcript: { representation: { text: segments.map((s) => s.text).join(' ') } } },
    audio_items: items,
    audio_segments: segments,
    statistics: { word_count: items.length, topic_count: 0 },
  });
}

const call = audioOutput([
  {
    speaker: 'spk_0',
    words: [
      ['Hello,', 50, 700],
      ['this', 730, 840],
      ['is', 850, 1000],
      ['Sarah', 1010, 1380],
      ['Connor.', 1390, 1850],
    ],
  },
  {
    speaker: 'spk_1',
    words: [
      ['Your', 4200, 4280],
      ['order', 4290, 5020],
      ['number', 5030, 5900],
      ['is', 5910, 6210],
      ['4572.', 6220, 7100],
    ],
  },
  {
    speaker: 'spk_1',
    words: [
      ['The', 8320, 8360],
      ['total', 8370, 8980],
      ['amount', 8990, 9730],
      ['is$38.50.', 9740, 11200],
    ],
  },
]);

const bp = parseBlueprint(
  {
    class: 'Order call',
    description: 'a customer calls about an order',
    properties: {
      order_number: { type: 'string', inferenceType: 'explicit', instruction: 'the order number' },
      total_amount: { type: 'number', inferenceType: 'explicit', instruction: 'the total amount' },
      caller: { type: 'string', inferenceType: 'explicit', instruction: 'the name the caller gives' },
      iban: { type: 'string', inferenceType: 'explicit', instruction: 'an IBAN, if one is said' },
      is_complaint: { type: 'boolean', inferenceType: 'inferred', instruction: 'is the caller complaining?' },
    },
  },
  { modality: 'AUDIO' },
);
const byName = (nodes: readonly unknown[]) => Object.fromEntries((nodes as FieldValue[]).map((n) => [n.name, n]));

describe('a transcript as lines', () => {
  it('turns audio segments into lines in time order, each line and word with start/end ms', () => {
    const doc = layoutFromStandardOutput(call);
    expect(doc.pageCount).toBe(1);
    expect(doc.lines.map((l) => l.text)).toEqual([
      'Hello, this is Sarah Connor.',
      'Your order number is 4572.',
      'The total amount is$38.50.',
    ]);
    expect(doc.lines.map((l) => l.time)).toEqual([
      { startMs: 50, endMs: 1850 },
      { startMs: 4200, endMs: 7100 },
      { startMs: 8320, endMs: 11200 },
    ]);
    expect(doc.lines[1].speaker).toBe('spk_1');
    // words are the ASR's items, with their own times and confidences
    expect(doc.lines[1].words.map((w) => [w.text, w.time?.startMs, w.time?.endMs, w.confidence])).toContainEqual([
      '4572.',
      6220,
      7100,
      0.9,
    ]);
    // the page is the timeline: rows in time order, words left to right
    const [a, b] = doc.lines;
    expect(a.box.top).toBeLessThan(b.box.top);
    expect(b.words[0].box.left).toBeLessThan(b.words[1].box.left);
    // the same standard output gives the same lines (stable ids)
    expect(layoutFromStandardOutput(call)).toEqual(doc);
  });

  it('reads a video transcript from its chapters: a segment across a chapter boundary is one line', () => {
    const span = (start: number, end: number) => ({
      start_timecode_smpte: '00:00:00:00',
      end_timecode_smpte: '00:00:00:00',
      start_timestamp_millis: start,
      end_timestamp_millis: end,
      start_frame_index: 0,
      end_frame_index: 0,
    });
    const across = { start_timestamp_millis: 29000, end_timestamp_millis: 32000, text: 'The invoice number is 7781.' };
    const video = VideoStandardOutput.parse({
      metadata: {
        asset_id: '0',
        semantic_modality: 'VIDEO',
        format: 'mp4',
        frame_rate: 25,
        codec: 'h264',
        duration_millis: 40000,
        frame_width: 320,
        frame_height: 240,
      },
      video: {},
      shots: [],
      chapters: [
        {
          chapter_index: 0,
          ...span(0, 30000),
          duration_millis: 30000,
          shot_indices: [],
          audio_segments: [
            { start_timestamp_millis: 1000, end_timestamp_millis: 3000, text: 'Welcome to the review.' },
            across,
          ],
        },
        { chapter_index: 1, ...span(30000, 40000), duration_millis: 10000, shot_indices: [], audio_segments: [across] },
      ],
      statistics: { shot_count: 0, chapter_count: 2 },
      quarry_capabilities: { shots: 'x', chapters: 'y', not_generated: [] },
    });
    const doc = layoutFromStandardOutput(video);
    expect(doc.lines.map((l) => [l.text, l.time])).toEqual([
      ['Welcome to the review.', { startMs: 1000, endMs: 3000 }],
      ['The invoice number is 7781.', { startMs: 29000, endMs: 32000 }],
    ]);
    // no word times in a chapter's segments: spread over the segment by character offset, in order, inside it
    const words = doc.lines[1].words;
    expect(words.map((w) => w.text)).toEqual(['The', 'invoice', 'number', 'is', '7781.']);
    expect(words[0].time?.startMs).toBe(29000);
    expect(words[4].time?.endMs).toBe(32000);
    for (let i = 1; i < words.length; i++)
      expect(words[i].time!.startMs).toBeGreaterThanOrEqual(words[i - 1].time!.endMs);

    const invoice = parseBlueprint(
      { class: 'Review', properties: { invoice_number: { type: 'string', instruction: 'the invoice number' } } },
      { modality: 'VIDEO' },
    );
    const [shaped] = shapeDocument({ candidates: [{ arn: 'a', name: 'n', blueprint: invoice }], doc, splitter: false });
    scoreResult(shaped.nodes!);
    const out = buildCustomOutput({
      matched: shaped.matched!,
      blueprint: invoice,
      nodes: shaped.nodes!,
      pageIndices: shaped.pageIndices,
      modality: 'VIDEO',
    });
    expect(out.inference_result).toEqual({ invoice_number: '7781' });
    const at = (out.explainability_info[0] as Record<string, Record<string, number>>).invoice_number;
    expect(at.start_timestamp_millis).toBeGreaterThan(29000);
    expect(at.end_timestamp_millis).toBe(32000);
  });

  it('an empty transcript is an empty layout', () => {
    expect(layoutFromStandardOutput(audioOutput([])).lines).toEqual([]);
  });
});

describe('blueprint fields from a transcript', () => {
  it('the layout pass fills labelled values, each with the time it was said', () => {
    const doc = layoutFromStandardOutput(call);
    const nodes = extractFields(bp, doc);
    const v = byName(nodes);
    expect(v.order_number.value).toBe('4572');
    expect(v.order_number.words.map((w) => w.time)).toEqual([{ startMs: 6220, endMs: 7100 }]);
    expect(v.total_amount.value).toBe(38.5);
    expect(v.total_amount.words[0].time).toEqual({ startMs: 9740, endMs: 11200 });
    expect(v.iban.value).toBeNull();

    scoreResult(nodes);
    const out = buildCustomOutput({
      matched: { arn: 'arn:bp', name: 'order-call', confidence: 1 },
      blueprint: bp,
      nodes,
      pageIndices: [0],
      modality: 'AUDIO',
      metadata: { dominant_asset_language: 'EN', generative_output_language: 'DEFAULT' },
    });
    // BDA's audio custom output: metadata with the languages, no document class or page split
    expect(out).toMatchObject({ metadata: { dominant_asset_language: 'EN', generative_output_language: 'DEFAULT' } });
    expect(out).not.toHaveProperty('document_class');
    expect(out).not.toHaveProperty('split_document');
    expect(validateInferenceResult(bp.fields, out.inference_result)).toEqual([]);
    const explain = out.explainability_info[0] as Record<string, Record<string, unknown>>;
    expect(explain.order_number).toMatchObject({
      success: true,
      value: '4572',
      start_timestamp_millis: 6220,
      end_timestamp_millis: 7100,
    });
    expect(explain.order_number).not.toHaveProperty('geometry');
    expect(explain.total_amount).toMatchObject({ start_timestamp_millis: 9740, end_timestamp_millis: 11200 });
    // a value not said has no time
    expect(explain.iban).toMatchObject({ success: false, value: null });
    expect(explain.iban).not.toHaveProperty('start_timestamp_millis');
  });

  it('the model sees line ids with times and speakers; its cited values are grounded in the words said', async () => {
    const doc = layoutFromStandardOutput(call);
    const layout = extractFields(bp, doc);
    const req = readingPrompt(bp, doc, layout);
    expect(req.system).toBe(TRANSCRIPT_READING_SYSTEM);
    expect(req.prompt).toContain('Transcript (expected: Order call: a customer calls about an order):');
    expect(req.prompt).toContain('1 [00:00.0-00:01.8] spk_0: Hello, this is Sarah Connor.');
    expect(req.prompt).toContain('2 [00:04.2-00:07.1] spk_1: Your order number is 4572.');

    const answer = {
      order_number: { line: 2, value: '4572' },
      total_amount: { line: 3, value: 38.5 },
      caller: { line: 1, value: 'Sarah Connor' },
      iban: { line: 3, value: 'DE89370400440532013000' }, // not said: refused
      is_complaint: { line: 2, value: false },
    };
    const provider: GenerativeProvider = {
      name: 'scripted',
      async generate() {
        return { text: JSON.stringify(answer), json: answer, model: 'scripted-model' };
      },
    };
    const read = await readWithModel(bp, layout, doc, provider);
    scoreResult(read.nodes);
    const out = buildCustomOutput({
      matched: { arn: 'arn:bp', name: 'order-call', confidence: 1 },
      blueprint: bp,
      nodes: read.nodes,
      pageIndices: [0],
      modality: 'AUDIO',
      model: read.engine ?? undefined,
    });
    const explain = out.explainability_info[0] as Record<string, Record<string, unknown>>;
    expect(out.inference_result).toMatchObject({ order_number: '4572', total_amount: 38.5, caller: 'Sarah Connor' });
    expect(explain.caller).toMatchObject({ success: true, start_timestamp_millis: 1010, end_timestamp_millis: 1850 });
    expect(explain.total_amount).toMatchObject({ start_timestamp_millis: 9740, end_timestamp_millis: 11200 });
    expect(explain.iban).toMatchObject({ success: false, value: null });
    expect(String(explain.iban.reason)).toMatch(/not grounded/);
    // an inferred value carries the time of the line it was inferred from
    expect(explain.is_complaint).toMatchObject({
      value: false,
      start_timestamp_millis: 4200,
      end_timestamp_millis: 7100,
    });
  });

  it('writes times as a reader does', () => {
    expect(clock(0)).toBe('00:00.0');
    expect(clock(31_249)).toBe('00:31.2');
    expect(clock(754_000)).toBe('12:34.0');
    expect(clock(3_723_400)).toBe('1:02:03.4');
  });
});
