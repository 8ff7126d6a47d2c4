/**
 * Summaries the generative model phrases, on `quarry-generative` (its slots, its server-side rate limit, the
 * worker that holds the model): `phraseDocumentSummary` reads the sentences the document writer left in
 * `.quarry/summary-source.json`, asks the model (engines/language/document-summary.ts: checked against those
 * sentences), and rewrites the `document` line of the standard output — the writer puts `metadata` on the first
 * line and `document` on the second, so the rest of a large result streams through untouched. The extractive
 * summary stays when the model fails or is refused, and the output says why.
 */
import { Transform } from 'node:stream';
import { z } from 'zod';
import { configuredProvider } from '../../engines/language/configured.ts';
import { applyPhrasedSummary, phraseDocumentSummary as phrase } from '../../engines/language/document-summary.ts';
import { phraseTranscriptSummary } from '../../engines/language/transcript-summary.ts';
import { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { ImageStandardOutput } from '../../schemas/image-output.ts';
import { VideoStandardOutput } from '../../schemas/video-output.ts';
import { clock } from '../video/describe-video.ts';
import { type ImageFindings, summariseImage } from '../image/describe-image.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import type { DocumentStandardOutput } from '../../schemas/document-output.ts';
import { activityContext } from '../activity-context.ts';
import type { ActivityDeps } from '../deps.ts';

const SummarySource = z.object({ sentences: z.array(z.string()) });
type DocumentPart = Partial<DocumentStandardOutput['document']>;

const PREFIX = '"document":';

/** The standard output's second line (`"document":{…}` and the `,` or `}` after it) with `update` applied. Pure. */
export function rewriteDocumentLine(line: string, update: (d: DocumentPart) => void): string {
  if (!line.startsWith(PREFIX)) throw new Error('not a standard output written by Quarry: no "document" line');
  const document = JSON.parse(line.slice(PREFIX.length, -1)) as DocumentPart;
  update(document);
  return `${PREFIX}${JSON.stringify(document)}${line.slice(-1)}`;
}

/**
 * Passes a stream through, applying `edit` to its second line (up to 64 MB is held to find it). Lines are found
 * as bytes: a newline byte never occurs inside a multi-byte UTF-8 character. Chunks are held as they come and
 * joined once, when the line's end has arrived (a document line of a large file is tens of MB).
 */
export function editSecondLine(edit: (line: string) => string): Transform {
  const held: Buffer[] = [];
  let size = 0;
  let newlines = 0;
  let done = false;
  const emit = (cb: (e?: Error | null, out?: Buffer) => void) => {
    const head = Buffer.concat(held, size);
    const first = head.indexOf(10);
    const second = head.indexOf(10, first + 1);
    const end = second < 0 ? head.length : second;
    try {
      const line = edit(head.subarray(first + 1, end).toString('utf8'));
      cb(null, Buffer.concat([head.subarray(0, first + 1), Buffer.from(line, 'utf8'), head.subarray(end)]));
    } catch (e) {
      cb(e as Error);
    }
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (done) return cb(null, chunk);
      held.push(chunk);
      size += chunk.length;
      for (let i = chunk.indexOf(10); i >= 0 && newlines < 2; i = chunk.indexOf(10, i + 1)) newlines++;
      if (newlines >= 2) {
        done = true;
        return emit(cb);
      }
      if (size > 64 * 1_048_576) return cb(new Error('standard output: its document line is too long'));
      cb();
    },
    flush(cb) {
      if (done) return cb();
      // the document line ends the file without a newline
      if (newlines < 1) return cb(new Error('not a standard output written by Quarry: one line'));
      emit(cb);
    },
  });
}

export function createSummaryActivities(deps: ActivityDeps & { provider?: GenerativeProvider }) {
  const { storage } = deps;
  async function phraseDocumentSummary(args: {
    standardOutputUri: string;
    summarySourceUri: string;
  }): Promise<{ method: string }> {
    const provider = deps.provider ?? configuredProvider(deps.config.generative);
    const { sentences } = SummarySource.parse(await storage.readJson(args.summarySourceUri));
    let method = 'extractive';
    if (provider && sentences.length) {
      const phrased = await phrase(provider, sentences, activityContext()?.cancellationSignal);
      method = phrased.kind === 'phrased' ? phrased.method : `extractive (${phrased.kind})`;
      const input = await storage.read(args.standardOutputUri);
      const edited = input.pipe(
        editSecondLine((line) => rewriteDocumentLine(line, (d) => applyPhrasedSummary(d, phrased))),
      );
      await storage.write(args.standardOutputUri, edited, 'application/json');
    }
    await storage.delete(args.summarySourceUri);
    return { method };
  }
  /**
   * A recording's summary and its topics' summaries, phrased by the model from their transcripts and checked
   * against them; a refused or failed one keeps its extractive text, and `quarry.summary_notes` says which and why.
   */
  async function phraseAudioSummaries(args: { standardOutputUri: string }): Promise<{ method: string }> {
    const provider = deps.provider ?? configuredProvider(deps.config.generative);
    const output = AudioStandardOutput.parse(await storage.readJson(args.standardOutputUri));
    if (!provider || output.quarry?.summary?.startsWith('generative:')) return { method: output.quarry?.summary ?? '' };
    const signal = activityContext()?.cancellationSignal;
    const notes: string[] = [];
    let phrasedAny = false;
    const phrase = async (sentences: string[], maxWords: number, what: string, where: string) => {
      const r = await phraseTranscriptSummary(provider, sentences, maxWords, what, signal);
      if (r.kind === 'phrased') {
        phrasedAny = true;
        return r.text;
      }
      notes.push(`${where}: ${r.kind} (${r.why}); extractive text kept`);
      return undefined;
    };
    for (const t of output.topics ?? []) {
      if (!t.summary) continue;
      const texts = t.audio_segment_indices.map((i) => output.audio_segments[i]?.text ?? '').filter(Boolean);
      t.summary = (await phrase(texts, 60, 'topic of a recording', `topic ${t.topic_index}`)) ?? t.summary;
    }
    if (output.audio.summary)
      output.audio.summary =
        (await phrase(
          output.audio_segments.map((s) => s.text),
          250,
          'recording',
          'summary',
        )) ?? output.audio.summary;
    const method = phrasedAny ? `generative:${provider.name}` : (output.quarry?.summary ?? '');
    if (output.quarry) {
      output.quarry.summary = method;
      if (notes.length) output.quarry.summary_notes = notes;
    }
    await storage.writeJson(args.standardOutputUri, AudioStandardOutput.parse(output));
    return { method };
  }

  /**
   * An image's summary phrased by the model from its detections (objects, text read, colours) and kept only when
   * it states nothing they do not (activities/image/describe-image.ts); else the template sentence stays and
   * `not_generated.IMAGE_SUMMARY` says what the model added.
   */
  async function phraseImageSummary(args: { standardOutputUri: string }): Promise<{ method: string }> {
    const provider = deps.provider ?? configuredProvider(deps.config.generative);
    const output = ImageStandardOutput.parse(await storage.readJson(args.standardOutputUri));
    const img = output.image;
    if (!provider || !img.summary_source || img.summary_engine?.startsWith('generative:'))
      return { method: img.summary_engine ?? '' };
    const findings: ImageFindings = {
      objects: img.detected_objects ?? [],
      lines: img.summary_source.lines,
      colours: img.summary_source.colours as ImageFindings['colours'],
    };
    const s = await summariseImage(findings, provider);
    img.summary = s.text;
    img.summary_engine = s.engine;
    if (s.note) img.not_generated = { ...img.not_generated, IMAGE_SUMMARY: s.note };
    await storage.writeJson(args.standardOutputUri, ImageStandardOutput.parse(output));
    return { method: s.engine };
  }

  /**
   * A video's summary phrased by the model from its chapters (each one's time span and its summary: what was said
   * and what was on screen), kept only when every number and name it states is in them; else the extractive
   * outline stays and `video.summary_note` says why.
   */
  async function phraseVideoSummary(args: { standardOutputUri: string }): Promise<{ method: string }> {
    const provider = deps.provider ?? configuredProvider(deps.config.generative);
    const output = VideoStandardOutput.parse(await storage.readJson(args.standardOutputUri));
    const v = output.video;
    if (!provider || !v.summary || v.summary_engine?.startsWith('generative:')) return { method: v.summary_engine ?? '' };
    const sentences = output.chapters.map(
      (c) => `Chapter ${c.chapter_index + 1} (${clock(c.start_timestamp_millis)}–${clock(c.end_timestamp_millis)}): ${c.summary ?? ''}`,
    );
    const r = await phraseTranscriptSummary(
      provider,
      sentences,
      80,
      "video, from its chapters' speech and on-screen text",
      activityContext()?.cancellationSignal,
    );
    if (r.kind === 'phrased') {
      v.summary = r.text;
      v.summary_engine = r.method;
      delete v.summary_note;
    } else v.summary_note = `${r.why}${r.kind === 'failed' ? ': extractive text kept' : ''}`;
    await storage.writeJson(args.standardOutputUri, VideoStandardOutput.parse(output));
    return { method: v.summary_engine ?? '' };
  }

  return { phraseDocumentSummary, phraseAudioSummaries, phraseImageSummary, phraseVideoSummary };
}
export type SummaryActivities = ReturnType<typeof createSummaryActivities>;
