/**
 * CHAPTER_SUMMARY, VIDEO_SUMMARY and IAB of a video from what was said (the audio track's transcript) and what
 * was shown (the text read on its keyframes, the objects detected there). Every summary is built from those
 * sources only: a chapter's is its most central spoken sentences (TextRank) and the text on screen; the video's
 * is an outline of its chapters — each one's key phrase and on-screen text — not the transcript copied. IAB
 * categories come from the shared matcher over a chapter's words and object names. Pure.
 */
import { IAB_METHOD, type IabMatch, matchIabCategories } from '../../engines/language/iab-categories.ts';
import { describe, splitSentences, summarize } from '../../engines/language/extractive-summary.ts';

export const CHAPTER_SUMMARY_METHOD = 'extractive:textrank-cosine over the chapter transcript + on-screen text';
export const VIDEO_SUMMARY_METHOD = 'outline of the chapters: key phrase of each chapter transcript + on-screen text';
export const VIDEO_IAB_METHOD = `${IAB_METHOD} over the chapter transcript, on-screen text and object names`;

export interface ChapterContent {
  startMs: number;
  endMs: number;
  /** the transcript segments' texts, in order */
  speech: string[];
  /** the text lines read on its keyframes, in order (duplicates allowed) */
  screen: string[];
  objects: string[];
  colours: string[];
}

const unique = (xs: string[]) => {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = x.toLowerCase().replace(/\s+/g, ' ').trim();
    if (!k || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/** a line worth quoting: it has a word of three letters or more (not OCR specks on a texture: "°", "a?") */
const wordy = (l: string) => /\p{L}{3,}/u.test(l);

/** the transcript as sentences (segments cut a sentence in pieces: they are joined first) */
const spokenSentences = (c: ChapterContent) => splitSentences(c.speech.join(' ')).map((text) => ({ text }));

const onScreen = (c: ChapterContent, max: number) =>
  unique(c.screen.filter(wordy))
    .slice(0, max)
    .map((l) => `"${l}"`)
    .join(', ');

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor(s / 60) % 60).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

/** A chapter's summary: its most central spoken sentences and the text on screen. */
export function chapterSummary(c: ChapterContent, maxWords = 45): string {
  const said = summarize(spokenSentences(c), { maxWords, maxSentences: 2 }).text;
  const shown = onScreen(c, 4);
  const parts: string[] = [];
  if (said) parts.push(said);
  if (shown) parts.push(`On screen: ${shown}.`);
  if (!parts.length) {
    const look = c.colours.length ? `mostly ${unique(c.colours).slice(0, 2).join(' and ')} ` : '';
    const things = unique(c.objects).slice(0, 3).join(', ');
    parts.push(`A ${look}stretch with no speech or text read${things ? `, showing ${things}` : ''}.`);
  }
  return parts.join(' ');
}

/** The video's summary: how long it is, and per chapter its time span, key phrase and on-screen text. */
export function videoSummary(chapters: ChapterContent[], durationMs: number): string {
  const secs = Math.round(durationMs / 1000);
  const length = secs >= 120 ? `${Math.round(secs / 60)}-minute` : `${secs}-second`;
  const head = `A ${length} video in ${chapters.length} chapter${chapters.length === 1 ? '' : 's'}.`;
  const parts = chapters.map((c) => {
    const key = describe(spokenSentences(c), 12);
    const shown = onScreen(c, 2);
    const what = [key.replace(/[.,;:!?]+$/, ''), shown && `on screen ${shown}`].filter(Boolean).join('; ');
    return `${clock(c.startMs)}–${clock(c.endMs)}: ${what || 'no speech or text read'}.`;
  });
  const objects = unique(chapters.flatMap((c) => c.objects)).slice(0, 5);
  const seen = objects.length ? ` Objects seen: ${objects.join(', ')}.` : '';
  return `${head} ${parts.join(' ')}${seen}`;
}

/** IAB categories of a chapter from its words and object names. */
export function chapterIab(c: ChapterContent, limit = 3): IabMatch[] {
  return matchIabCategories([...c.speech, ...unique(c.screen), ...unique(c.objects)].join('\n'), { limit });
}
