/**
 * IMAGE CONTENT_MODERATION over all 7 of BDA's categories, from what Quarry can see offline: the nsfwjs classes
 * (nudity), the detected COCO objects (weapons, drinks) and the text read in the image (lexicons). Each category
 * says which engines judged it and on what evidence, or that it was not judged and why. Pure.
 */
import { compileLexicon, lexiconScore, moderateText } from '../language/text-moderation.ts';
import {
  BDA_IMAGE_MODERATION_CATEGORIES,
  type BdaImageModerationCategory,
  mapToBdaModeration,
  type ModerationLabel,
  type NsfwScores,
} from './moderation.ts';
import type { ImageModerationResult } from './moderation.ts';
import type { DetectedObject, ObjectDetection } from './objects.ts';

/** One category's verdict (the Quarry extra `image.moderation_categories`). */
export interface CategoryJudgement {
  category: BdaImageModerationCategory;
  /** false: no engine Quarry has can see this category; `note` says why */
  judged: boolean;
  /** the strongest evidence's probability (0 when nothing was found) */
  confidence: number;
  judged_by: string[];
  evidence: string[];
  note?: string;
}

/** COCO objects that are evidence of a category, with how much one sure detection counts (a knife may be cutlery). */
export const OBJECT_SIGNALS: Partial<Record<BdaImageModerationCategory, Record<string, number>>> = {
  Violence: { knife: 0.6, scissors: 0.3, 'baseball bat': 0.3 },
  Alcohol: { 'wine glass': 0.7, bottle: 0.35 },
};

/**
 * Words in the image's text that are evidence of a category (regex source → weight), as the audio lexicon. Text is
 * weaker evidence than what is shown: one mention (a market selling local wine) stays below the default threshold,
 * several (a beer and wine festival, a tobacco shop's sign) reach it.
 */
const TEXT_SIGNALS: Partial<Record<BdaImageModerationCategory, [string, number][]>> = {
  'Drugs & Tobacco': [
    ['cigarettes?|cigars?|tobacco|nicotine', 0.45],
    ['smok(e|es|ing)|vap(e|es|ing)|e-?cig\\w*', 0.3],
    ['cannabis|marijuana|weed|hashish|thc', 0.45],
    ['cocaine|heroin|meth(amphetamine)?|ecstasy|mdma|lsd|opioids?|fentanyl', 0.6],
    ['drugs?|narcotics?|joints?|bongs?', 0.3],
  ],
  Alcohol: [
    ['beers?|lagers?|ales?|ipa|stouts?|brewery|breweries|brewing', 0.35],
    ['wines?|winery|champagne|prosecco|cider', 0.35],
    ['vodka|whisk(e)?y|bourbon|scotch|rum|gin|tequila|brandy|cognac|liqueurs?|liquor|spirits', 0.4],
    ['cocktails?|happy hour|pub|bar|booze|alcohol(ic)?|drunk', 0.25],
  ],
};
const COMPILED_TEXT = Object.fromEntries(
  Object.entries(TEXT_SIGNALS).map(([c, terms]) => [c, compileLexicon(terms)]),
) as Partial<Record<BdaImageModerationCategory, ReturnType<typeof compileLexicon>>>;

const NOT_SEEN: Partial<Record<BdaImageModerationCategory, string>> = {
  'Non-Explicit Nudity of Intimate parts and Kissing':
    "not judged: nsfwjs's classes cannot tell it from Swimwear or Underwear (reported there)",
  Violence:
    'weapons only from COCO objects (knife, scissors, baseball bat) and violent text; firearms, blood and fights are not seen',
  'Drugs & Tobacco': 'from the text read only: no offline object model sees cigarettes, pills or paraphernalia',
  Alcohol: 'from COCO objects (wine glass, bottle) and the text read',
  'Hate symbols': 'from hateful text only: symbols themselves (e.g. swastikas) are not recognised',
};

export interface ModerationSignals {
  /** nsfwjs class probabilities, and the engine name; absent when the model did not run */
  nsfw?: { scores: Partial<NsfwScores>; engine: string };
  nsfwError?: string;
  objects?: { objects: DetectedObject[]; engine: string };
  objectsError?: string;
  /** the text read in the image; absent when OCR did not run */
  text?: { text: string; engine: string };
}

/** The signals from what the engines returned: nsfwjs's result, the objects found, the text lines read. */
export function signalsFrom(
  nsfw: ImageModerationResult,
  found: ObjectDetection | undefined,
  text: { lines: readonly { text: string }[]; engine: string } | undefined,
): ModerationSignals {
  return {
    nsfw: nsfw.scores && nsfw.engine ? { scores: nsfw.scores, engine: nsfw.engine } : undefined,
    nsfwError: nsfw.scores ? undefined : nsfw.note,
    objects: found?.engine ? { objects: found.objects, engine: found.engine } : undefined,
    objectsError: found?.error,
    text: text ? { text: text.lines.map((l) => l.text).join('\n'), engine: text.engine } : undefined,
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const anyOf = (ps: number[]) => round(1 - ps.reduce((keep, p) => keep * (1 - p), 1));

/** Every BDA category's judgement from the signals, in BDA's order. */
export function judgeModeration(s: ModerationSignals): CategoryJudgement[] {
  const nsfwLabels: ModerationLabel[] = s.nsfw ? mapToBdaModeration(s.nsfw.scores, 0) : [];
  const textScores = s.text ? moderateText(s.text.text) : undefined;
  return BDA_IMAGE_MODERATION_CATEGORIES.map((category) => {
    const judgedBy: string[] = [];
    const evidence: string[] = [];
    const ps: number[] = [];
    const notes: string[] = [];
    if (category === 'Explicit' || category === 'Swimwear or Underwear') {
      if (s.nsfw) {
        judgedBy.push(s.nsfw.engine);
        const p = nsfwLabels.find((l) => l.category === category)?.confidence ?? 0;
        ps.push(p);
        if (p >= 0.05) evidence.push(`nsfwjs ${category === 'Explicit' ? 'Porn+Hentai' : 'Sexy'} ${p}`);
      } else notes.push(`nsfwjs did not run${s.nsfwError ? ` (${s.nsfwError})` : ''}`);
    }
    const objectWeights = OBJECT_SIGNALS[category];
    if (objectWeights) {
      if (s.objects) {
        judgedBy.push(s.objects.engine);
        for (const o of s.objects.objects) {
          const w = objectWeights[o.label];
          if (!w) continue;
          ps.push(o.score * w);
          evidence.push(`object ${o.label} ${o.score}`);
        }
      } else notes.push(`object detection did not run${s.objectsError ? ` (${s.objectsError})` : ''}`);
    }
    const lexicon = COMPILED_TEXT[category];
    const audioCats =
      category === 'Violence'
        ? (['violence_or_threat', 'graphic'] as const)
        : category === 'Hate symbols'
          ? (['hate_speech'] as const)
          : [];
    if (lexicon || audioCats.length) {
      if (s.text && textScores) {
        judgedBy.push(`text lexicon over ${s.text.engine}`);
        const p = lexicon ? lexiconScore(s.text.text, lexicon) : Math.max(...audioCats.map((c) => textScores[c]));
        if (p > 0.01) {
          ps.push(p);
          evidence.push(`text ${p}`);
        }
      } else notes.push('no text was read');
    }
    const judged = judgedBy.length > 0;
    const note = [NOT_SEEN[category], ...notes].filter(Boolean).join('; ') || undefined;
    return {
      category,
      judged,
      confidence: judged ? anyOf(ps) : 0,
      judged_by: judgedBy,
      evidence,
      ...(note ? { note } : {}),
    };
  });
}

/** BDA's `content_moderation`: the judged categories at or above `threshold`, most confident first. */
export function reportedModeration(judgements: CategoryJudgement[], threshold: number): ModerationLabel[] {
  return judgements
    .filter((j) => j.judged && j.confidence >= threshold)
    .map((j) => ({ category: j.category, confidence: j.confidence }))
    .sort((a, b) => b.confidence - a.confidence);
}
