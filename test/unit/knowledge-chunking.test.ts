import { describe, expect, it } from 'vitest';
import { approximateTokens, type ChunkBudget, splitToBudget } from '../../engines/knowledge/chunk-budget.ts';
import { chunkStandardOutput } from '../../engines/knowledge/chunk-standard-output.ts';
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';
import type { DocumentElement, DocumentStandardOutput } from '../../schemas/document-output.ts';
import type { ImageStandardOutput } from '../../schemas/image-output.ts';
import { KnowledgeChunk } from '../../schemas/knowledge-chunk.ts';
import type { VideoStandardOutput } from '../../schemas/video-output.ts';

const budget = (maxTokens = 60, overlapTokens = 8): ChunkBudget => ({ maxTokens, overlapTokens, countTokens: approximateTokens });
const stats = { element_count: 0, table_count: 0, figure_count: 0, word_count: 0, line_count: 0, hyperlinks_count: 0 };
const box = (top: number) => ({ left: 0.1, top, width: 0.5, height: 0.05 });
let order = 0;
const text = (sub_type: string, t: string, page = 0, top = 0.1): DocumentElement =>
  ({
    id: `e${order}`,
    type: 'TEXT',
    sub_type,
    reading_order: order++,
    page_indices: [page],
    representation: { markdown: sub_type === 'TITLE' ? `# ${t}` : sub_type === 'SECTION_TITLE' ? `## ${t}` : t },
    locations: [{ page_index: page, bounding_box: box(top) }],
  }) as DocumentElement;
const doc = (elements: DocumentElement[]): DocumentStandardOutput => ({
  metadata: { asset_id: '0', semantic_modality: 'DOCUMENT', number_of_pages: 2, start_page_index: 0, end_page_index: 1, file_type: 'PDF' },
  document: { statistics: stats },
  elements,
});
const source = { source_uri: 'file:///in/report.pdf', asset_id: '0', job_id: 'job-1' };
const words = (n: number, w = 'word') => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');

describe('token budget', () => {
  it('cuts long text into pieces within the budget that overlap', () => {
    const pieces = splitToBudget(words(100), 30, budget(30, 5));
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(approximateTokens(p)).toBeLessThanOrEqual(30);
    // each piece starts with the last words of the one before
    const tail = pieces[0].split(' ').slice(-5).join(' ');
    expect(pieces[1].startsWith(`${tail} `)).toBe(true);
    const all = new Set(pieces.flatMap((p) => p.split(' ')));
    expect(all.size).toBe(100);
  });
  it('prefers to end a piece at a sentence', () => {
    const t = `${words(20, 'a')}. ${words(20, 'b')}.`;
    expect(splitToBudget(t, 30, budget(30, 0))[0].endsWith('a19.')).toBe(true);
  });
});

describe('document chunks', () => {
  it('carries the title and section heading down, skips page furniture, cites pages and boxes', () => {
    const chunks = chunkStandardOutput(
      doc([
        text('HEADER', 'ACME Corp confidential'),
        text('TITLE', 'Annual report'),
        text('SECTION_TITLE', 'Revenue'),
        text('PARAGRAPH', 'Revenue grew by ten percent.', 0, 0.3),
        text('PARAGRAPH', 'Most of it came from Europe.', 0, 0.4),
        text('SECTION_TITLE', 'Costs', 1, 0.1),
        text('PARAGRAPH', 'Costs were flat.', 1, 0.2),
        text('PAGE_NUMBER', '2', 1, 0.9),
      ]),
      source,
      budget(),
    );
    expect(chunks.map((c) => c.text)).toEqual([
      'Annual report › Revenue\nRevenue grew by ten percent.\nMost of it came from Europe.',
      'Annual report › Costs\nCosts were flat.',
    ]);
    for (const c of chunks) KnowledgeChunk.parse(c);
    expect(chunks[0].headings).toEqual(['Annual report', 'Revenue']);
    expect(chunks[0].boxes).toEqual([{ page_index: 0, bounding_box: { left: 0.1, top: 0.3, width: 0.5, height: 0.15000000000000002 } }]);
    expect(chunks[1].page_indices).toEqual([1]);
    expect(chunks[1].metadata).toMatchObject({
      'x-amz-bedrock-kb-source-uri': 'file:///in/report.pdf',
      'x-amz-bedrock-kb-document-page-number': 2,
      'quarry-job-id': 'job-1',
    });
    expect(chunks.map((c) => c.reading_order)).toEqual([0, 1]);
    expect(chunks[0].content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(chunks[0].content_hash).not.toBe(chunks[1].content_hash);
  });

  it('keeps a heading with nothing under it as a line of the next chunk', () => {
    const chunks = chunkStandardOutput(
      doc([text('SECTION_TITLE', 'Invoice 42'), text('SECTION_TITLE', 'Totals'), text('PARAGRAPH', 'Due: $120')]),
      source,
      budget(),
    );
    expect(chunks.map((c) => c.text)).toEqual(['Totals\nInvoice 42\nDue: $120']);
  });

  it('packs paragraphs to the budget and splits a long one with overlap, heading in every piece', () => {
    const chunks = chunkStandardOutput(
      doc([text('SECTION_TITLE', 'Terms'), text('PARAGRAPH', words(150))]),
      source,
      budget(40, 6),
    );
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.startsWith('Terms\n')).toBe(true);
      expect(approximateTokens(c.text)).toBeLessThanOrEqual(40);
    }
  });

  it('keeps a table whole with its header, and splits a long one by rows with the header repeated', () => {
    const table = (rows: number): DocumentElement => ({
      id: `t${rows}`,
      type: 'TABLE',
      reading_order: order++,
      page_indices: [0],
      title: 'Line items',
      representation: { markdown: '' },
      locations: [{ page_index: 0, bounding_box: box(0.5) }],
      table_structure: {
        rows: rows + 1,
        columns: 2,
        header_rows: 1,
        cells: [
          { row: 0, column: 0, row_span: 1, column_span: 1, text: 'Item', header: true },
          { row: 0, column: 1, row_span: 1, column_span: 1, text: 'Amount', header: true },
          ...Array.from({ length: rows }, (_, r) => [
            { row: r + 1, column: 0, row_span: 1, column_span: 1, text: `widget ${r}`, header: false },
            { row: r + 1, column: 1, row_span: 1, column_span: 1, text: `${r}.00`, header: false },
          ]).flat(),
        ],
      },
    });
    const small = chunkStandardOutput(doc([text('PARAGRAPH', 'Before.'), table(2), text('PARAGRAPH', 'After.')]), source, budget());
    expect(small.map((c) => c.kind)).toEqual(['SECTION', 'TABLE', 'SECTION']);
    expect(small[1].text).toBe(
      'Table: Line items\n| Item | Amount |\n| --- | --- |\n| widget 0 | 0.00 |\n| widget 1 | 1.00 |',
    );
    const big = chunkStandardOutput(doc([table(40)]), source, budget(60));
    expect(big.length).toBeGreaterThan(2);
    const rows = big.flatMap((c) => c.text.split('\n').filter((l) => l.startsWith('| widget')));
    expect(rows).toHaveLength(40);
    for (const c of big) {
      expect(c.text.startsWith('Table: Line items\n| Item | Amount |\n| --- | --- |\n| widget')).toBe(true);
      expect(approximateTokens(c.text)).toBeLessThanOrEqual(60);
    }
  });

  it('keeps a figure with its caption, summary and text', () => {
    const chunks = chunkStandardOutput(
      doc([
        { id: 'f', type: 'FIGURE', reading_order: order++, page_indices: [0], summary: 'A bar chart of sales', representation: { text: 'Q1 Q2 Q3' } },
        text('PARAGRAPH', 'Figure 3: Sales by quarter', 0, 0.6),
        text('PARAGRAPH', 'Unrelated paragraph.', 0, 0.7),
      ]),
      source,
      budget(),
    );
    expect(chunks[0]).toMatchObject({ kind: 'FIGURE', text: 'Figure 3: Sales by quarter\nA bar chart of sales\nQ1 Q2 Q3' });
    expect(chunks[0].parts).toEqual(['f', expect.any(String)]);
    expect(chunks[1].text).toBe('Unrelated paragraph.');
  });

  it('hashes the same output the same every time', () => {
    const d = doc([text('PARAGRAPH', 'Same text.')]);
    expect(chunkStandardOutput(d, source, budget())[0].content_hash).toBe(chunkStandardOutput(d, source, budget())[0].content_hash);
    expect(chunkStandardOutput(d, { ...source, source_uri: 'file:///other.pdf' }, budget())[0].content_hash).not.toBe(
      chunkStandardOutput(d, source, budget())[0].content_hash,
    );
  });
});

const segment = (i: number, t: string, start: number, speaker?: string) => ({
  segment_index: i,
  type: 'TRANSCRIPT' as const,
  text: t,
  start_timestamp_millis: start,
  end_timestamp_millis: start + 900,
  ...(speaker ? { speaker: { speaker_label: speaker } } : {}),
  audio_item_indices: [],
  language: 'EN',
});
const audio = (segments: AudioStandardOutput['audio_segments'], topics?: AudioStandardOutput['topics']): AudioStandardOutput => ({
  metadata: {
    asset_id: '1',
    semantic_modality: 'AUDIO',
    sample_rate: 16000,
    bitrate: 256000,
    number_of_channels: 1,
    codec: 'pcm',
    duration_millis: 60000,
    format: 'wav',
    dominant_asset_language: 'EN',
    generative_output_language: 'EN',
  },
  audio: {},
  audio_items: [],
  audio_segments: segments,
  ...(topics ? { topics } : {}),
  statistics: { word_count: 0, topic_count: topics?.length ?? 0 },
});

describe('audio chunks', () => {
  const segs = [
    segment(0, 'Hello, thanks for calling.', 0, 'spk_0'),
    segment(1, 'My order is late.', 1000, 'spk_1'),
    segment(2, 'It is order 4572.', 2000, 'spk_1'),
    segment(3, 'Let me check that.', 3000, 'spk_0'),
  ];
  it('chunks by topic with start/end ms, naming the speaker where it changes', () => {
    const topics = [
      { topic_index: 0, start_timestamp_millis: 0, end_timestamp_millis: 2900, transcript: { representation: { text: '' } }, audio_segment_indices: [0, 1, 2] },
      { topic_index: 1, start_timestamp_millis: 3000, end_timestamp_millis: 3900, transcript: { representation: { text: '' } }, audio_segment_indices: [3] },
    ];
    const chunks = chunkStandardOutput(audio(segs, topics), { source_uri: 'file:///in/call.wav', asset_id: '1' }, budget());
    expect(chunks.map((c) => [c.kind, c.text, c.start_ms, c.end_ms])).toEqual([
      ['TOPIC', 'spk_0: Hello, thanks for calling.\nspk_1: My order is late.\nIt is order 4572.', 0, 2900],
      ['TOPIC', 'spk_0: Let me check that.', 3000, 3900],
    ]);
    expect(chunks[1].speaker).toBe('spk_0');
    expect(chunks[0].page_indices).toBeUndefined();
    expect(chunks[0].metadata['x-amz-bedrock-kb-document-page-number']).toBeUndefined();
    expect(chunks[0].metadata['quarry-start-ms']).toBe(0);
  });
  it('chunks by speaker turn when there are no topics', () => {
    const chunks = chunkStandardOutput(audio(segs), { source_uri: 'file:///in/call.wav', asset_id: '1' }, budget());
    expect(chunks.map((c) => [c.kind, c.speaker, c.start_ms, c.end_ms])).toEqual([
      ['SPEAKER_TURN', 'spk_0', 0, 900],
      ['SPEAKER_TURN', 'spk_1', 1000, 2900],
      ['SPEAKER_TURN', 'spk_0', 3000, 3900],
    ]);
  });
  it('splits a long topic between segments, within the budget', () => {
    const many = Array.from({ length: 30 }, (_, i) => segment(i, `sentence number ${i} about the refund policy.`, i * 1000));
    const topics = [{ topic_index: 0, start_timestamp_millis: 0, end_timestamp_millis: 30000, transcript: { representation: { text: '' } }, audio_segment_indices: many.map((s) => s.segment_index) }];
    const chunks = chunkStandardOutput(audio(many, topics), { source_uri: 'file:///a.wav', asset_id: '1' }, budget(40, 10));
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) expect(approximateTokens(c.text)).toBeLessThanOrEqual(40);
    expect(chunks[0].start_ms).toBe(0);
    expect(chunks[chunks.length - 1].end_ms).toBe(29900);
  });
});

describe('image and video chunks', () => {
  it('an image is one chunk of its summary and text', () => {
    const img: ImageStandardOutput = {
      metadata: { asset_id: '2', semantic_modality: 'IMAGE', image_width_pixels: 10, image_height_pixels: 10, image_encoding: 'png' },
      image: {
        summary: 'A poster for a market.',
        text_lines: [{ id: 'l0', type: 'TEXT_LINE', text: 'FARMERS MARKET', confidence: 0.9, locations: [] }],
      },
      statistics: { iab_category_count: 0, content_moderation_count: 0, logo_count: 0, line_count: 1, word_count: 2 },
    };
    const chunks = chunkStandardOutput(img, { source_uri: 'file:///p.png', asset_id: '2' }, budget());
    expect(chunks.map((c) => [c.kind, c.text])).toEqual([['IMAGE', 'A poster for a market.\nFARMERS MARKET']]);
  });
  it('a video is chunked by chapter: summary, speech and on-screen text, with the chapter span', () => {
    const smpte = '00:00:00:00';
    const span = (s: number, e: number) => ({
      start_timecode_smpte: smpte,
      end_timecode_smpte: smpte,
      start_timestamp_millis: s,
      end_timestamp_millis: e,
      start_frame_index: 0,
      end_frame_index: 0,
    });
    const vid: VideoStandardOutput = {
      metadata: { asset_id: '3', semantic_modality: 'VIDEO', format: 'mp4', frame_rate: 25, codec: 'h264', duration_millis: 8000, frame_width: 1, frame_height: 1 },
      video: {},
      shots: [],
      chapters: [
        {
          chapter_index: 0,
          ...span(0, 4000),
          duration_millis: 4000,
          shot_indices: [],
          summary: 'The review opens.',
          audio_segments: [{ start_timestamp_millis: 100, end_timestamp_millis: 2000, text: 'Welcome to the review.' }],
          frames: [
            { timecode_smpte: smpte, timestamp_millis: 500, frame_index: 12, text_lines: [{ id: 'a', type: 'TEXT_LINE', text: 'Q3 REVIEW', confidence: 1, locations: [] }] },
            { timecode_smpte: smpte, timestamp_millis: 900, frame_index: 22, text_lines: [{ id: 'b', type: 'TEXT_LINE', text: 'Q3 review', confidence: 1, locations: [] }] },
          ],
        },
        { chapter_index: 1, ...span(4000, 8000), duration_millis: 4000, shot_indices: [], audio_segments: [{ start_timestamp_millis: 4100, end_timestamp_millis: 7000, text: 'Thanks for watching.' }] },
      ],
      statistics: { shot_count: 0, chapter_count: 2 },
      quarry_capabilities: { shots: 'x', chapters: 'x', not_generated: [] },
    };
    const chunks = chunkStandardOutput(vid, { source_uri: 'file:///t.mp4', asset_id: '3' }, budget());
    expect(chunks.map((c) => [c.kind, c.text, c.start_ms, c.end_ms])).toEqual([
      ['CHAPTER', 'The review opens.\nWelcome to the review.\n[on screen] Q3 REVIEW', 100, 2000],
      ['CHAPTER', 'Thanks for watching.', 4100, 7000],
    ]);
  });
});

describe('search results', () => {
  it('cite a document chunk by 1-based page and its box there, a transcript chunk by ms, absent keys omitted', async () => {
    const { citedResult } = await import('../../engines/knowledge/search-knowledge-base.ts');
    const [d] = chunkStandardOutput(doc([text('PARAGRAPH', 'Page two text.', 1, 0.2)]), source, budget());
    expect(citedResult(d, 0.123456)).toEqual({
      text: 'Page two text.',
      score: 0.1235,
      source_uri: 'file:///in/report.pdf',
      page: 2,
      box: box(0.2),
    });
    const [a] = chunkStandardOutput(audio([segment(0, 'Hello there.', 1500)]), { source_uri: 'file:///c.wav', asset_id: '1' }, budget());
    expect(citedResult(a, 0.5)).toEqual({ text: 'Hello there.', score: 0.5, source_uri: 'file:///c.wav', start_ms: 1500, end_ms: 2400 });
  });
});
