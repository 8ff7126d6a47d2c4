/**
 * IMAGE_SUMMARY and IAB from what was detected in an image: its objects (CenterNet), the text read (OCR) and its
 * dominant colours. The summary is phrased by the configured generative provider when there is one and kept only
 * if it states nothing that was not detected; otherwise (and by default) it is a template sentence built from the
 * detections. IAB categories come from the shared IAB matcher over the text and the object names. Pure except the
 * optional provider call.
 */
import { IAB_METHOD, type IabMatch, matchIabCategories } from '../../engines/language/iab-categories.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { refusalOf } from '../../engines/language/supported-by-source.ts';
import { terms } from '../../engines/language/extractive-summary.ts';
import type { ColourShare } from '../../engines/vision/colours.ts';
import type { DetectedObject } from '../../engines/vision/objects.ts';

export const TEMPLATE_SUMMARY_METHOD = 'template:image-detections-v1';

export interface ImageFindings {
  objects: DetectedObject[];
  /** the text lines read, in reading order */
  lines: string[];
  colours: ColourShare[];
}

const NUMBER_WORDS = ['no', 'a', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const IRREGULAR: Record<string, string> = { person: 'people', knife: 'knives', mouse: 'mice', skis: 'skis' };
const plural = (label: string) =>
  IRREGULAR[label] ??
  (/(s|sh|ch|x)$/.test(label) ? `${label}es` : /[^aeiou]y$/.test(label) ? `${label.slice(0, -1)}ies` : `${label}s`);

/** Pure: "two people, a dog and a bottle" (most frequent first); "" when nothing was detected. */
export function objectPhrase(objects: DetectedObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  const parts = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => {
      if (n === 1) return `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;
      return `${NUMBER_WORDS[n] ?? 'many'} ${plural(label)}`;
    });
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

const quoteText = (lines: string[], maxWords: number) => {
  const words = lines.join(' · ').split(/\s+/).filter(Boolean);
  return words.length > maxWords ? `${words.slice(0, maxWords).join(' ')} …` : words.join(' ');
};

/** Pure: the deterministic description, one or two sentences naming only what was detected. */
export function templateSummary(f: ImageFindings): string {
  const colours = f.colours.map((c) => c.colour);
  const colourPart = colours.length
    ? `mostly ${colours.length > 1 ? `${colours.slice(0, -1).join(', ')} and ${colours[colours.length - 1]}` : colours[0]}`
    : '';
  const objects = objectPhrase(f.objects);
  let s = colourPart ? `A ${colourPart} image` : 'An image';
  s += objects ? ` showing ${objects}` : '';
  if (f.lines.length) s += ` with the text "${quoteText(f.lines, 30)}"`;
  else if (!objects) s += ' in which no text or known objects were detected';
  return `${s}.`;
}

/** Pure: everything the image's detections state, as the source a generated summary is checked against. */
export function findingsSource(f: ImageFindings): string {
  const labels = [...new Set(f.objects.map((o) => o.label))];
  return [
    `Objects detected: ${labels.length ? `${objectPhrase(f.objects)} (${labels.join(', ')})` : 'none'}.`,
    `Dominant colours: ${f.colours.map((c) => c.colour).join(', ') || 'none'}.`,
    `Text read: ${f.lines.length ? f.lines.join(' / ') : 'none'}.`,
  ].join('\n');
}

/** words a description may use about any image without them being detected */
const DESCRIBING = new Set(
  terms(
    'image picture photo text word words reads read reading written writes shows showing shown show features ' +
      'featuring contains containing displays displaying includes including mostly background colour colours color ' +
      'colors detected visible appears title heading line lines says saying labelled labeled',
  ),
);

/**
 * Pure: the content words of a generated description found nowhere in the detections (objects, colours, text
 * read) and not plain describing words: "a door", "a red banner in the centre" when no door, banner or position
 * was detected. Empty: grounded. Numbers and proper names are checked by `refusalOf`.
 */
export function ungroundedWords(text: string, f: ImageFindings): string[] {
  const people = f.objects.some((o) => o.label === 'person') ? ' people persons' : '';
  const source = new Set(terms(findingsSource(f) + people));
  return [...new Set(terms(text).filter((t) => !source.has(t) && !DESCRIBING.has(t) && !/^\d/.test(t)))];
}

export interface ImageSummary {
  text: string;
  /** the engine that wrote it: `generative:<provider>` or the template */
  engine: string;
  /** why the provider's text was not used, when one was configured */
  note?: string;
}

/** The summary: the provider's phrasing when it is supported by the detections, else the template sentence. */
export async function summariseImage(f: ImageFindings, provider?: GenerativeProvider): Promise<ImageSummary> {
  const template = { text: templateSummary(f), engine: TEMPLATE_SUMMARY_METHOD };
  if (!provider) return template;
  const source = findingsSource(f);
  try {
    const r = await provider.generate({
      system:
        'You describe an image to someone who cannot see it, using only the detections listed. Never add objects, ' +
        'people, colours, places or names that are not listed.',
      prompt: `Detections:\n${source}\n\nWrite one or two sentences (at most 60 words) describing the image.`,
      maxTokens: 120,
      temperature: 0,
    });
    const text = r.text.trim();
    if (!text) return { ...template, note: `${provider.name} wrote nothing: template kept` };
    const refusal = refusalOf(text, source);
    if (refusal) return { ...template, note: refusal.replace('extractive text kept', 'template kept') };
    const ungrounded = ungroundedWords(text, f);
    if (ungrounded.length)
      return {
        ...template,
        note: `the model's text said ${ungrounded
          .slice(0, 5)
          .map((t) => JSON.stringify(t))
          .join(', ')}, not detected: template kept`,
      };
    return { text, engine: `generative:${provider.name}` };
  } catch (e) {
    return {
      ...template,
      note: `${provider.name} failed (${String((e as Error)?.message ?? e).slice(0, 120)}): template kept`,
    };
  }
}

export const IMAGE_IAB_METHOD = `${IAB_METHOD} over text read + object names`;

/** Pure: IAB categories from the text read and the detected objects' names (each object counted once). */
export function imageIabCategories(f: ImageFindings, limit = 3): IabMatch[] {
  const labels = [...new Set(f.objects.map((o) => o.label))];
  return matchIabCategories([...f.lines, ...labels].join('\n'), { limit });
}
