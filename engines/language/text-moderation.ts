/**
 * Text content moderation over BDA's 7 audio categories. The embedded default is a lexicon/rule classifier:
 * weighted terms and phrases per category, combined as 1 − Π(1 − w) over the matches in a text, so one mild
 * word gives a low score and several strong ones approach 1. It is explainable and offline, and it is only a
 * lexicon: it cannot see sarcasm or context. Other classifiers plug in through `TextModerator`.
 */
import { ModerationCategoryName } from '../../schemas/audio-output.ts';

/** BDA's 7 audio moderation categories: the schema's enum is the one list. */
export const MODERATION_CATEGORIES: ModerationCategoryName[] = [...ModerationCategoryName.options];

export type ModerationScores = Record<ModerationCategoryName, number>;

export interface TextModerator {
  readonly name: string;
  classify(texts: string[]): Promise<ModerationScores[]>;
}

/** term (regex source, matched on word boundaries, case-insensitive) → weight */
const LEXICON: Record<ModerationCategoryName, [string, number][]> = {
  profanity: [
    ['f+u+c+k\\w*', 0.85],
    ['shit\\w*', 0.7],
    ['bullshit', 0.7],
    ['damn\\w*', 0.35],
    ['goddamn\\w*', 0.5],
    ['hell', 0.2],
    ['crap\\w*', 0.35],
    ['bastard\\w*', 0.6],
    ['bitch\\w*', 0.75],
    ['asshole\\w*', 0.8],
    ['dick\\w*', 0.4],
    ['piss\\w*', 0.45],
    ['bloody', 0.25],
    ['wtf', 0.6],
    ['motherf\\w+', 0.9],
    ['cunt\\w*', 0.9],
  ],
  hate_speech: [
    ['subhuman\\w*', 0.75],
    ['vermin', 0.5],
    ['go back to your (own )?country', 0.8],
    ['(all|those) (\\w+ )?(people|immigrants|foreigners) (are|should)', 0.45],
    ['inferior race', 0.85],
    ['racial purity', 0.8],
    ['ethnic cleansing', 0.7],
    ['white power', 0.8],
    ['master race', 0.8],
    ['hate (all )?(jews|muslims|christians|blacks|whites|gays|immigrants|women|men)', 0.9],
    ['nazi\\w*', 0.35],
    ['racist\\w*', 0.2],
  ],
  sexual: [
    ['sex\\w*', 0.35],
    ['porn\\w*', 0.8],
    ['naked', 0.45],
    ['nude\\w*', 0.5],
    ['orgasm\\w*', 0.75],
    ['erotic\\w*', 0.6],
    ['horny', 0.7],
    ['genital\\w*', 0.55],
    ['intercourse', 0.5],
    ['blowjob\\w*', 0.9],
    ['masturbat\\w+', 0.8],
    ['strip(per|tease)\\w*', 0.55],
  ],
  insults: [
    ['idiot\\w*', 0.65],
    ['stupid', 0.5],
    ['moron\\w*', 0.7],
    ['dumb\\w*', 0.45],
    ['loser\\w*', 0.5],
    ['pathetic', 0.45],
    ['worthless', 0.55],
    ['useless', 0.35],
    ['ugly', 0.35],
    ['fool\\w*', 0.35],
    ['jerk\\w*', 0.45],
    ['imbecile\\w*', 0.7],
    ['shut up', 0.45],
    ['you suck', 0.6],
    ['incompetent', 0.4],
    ['clown', 0.3],
  ],
  violence_or_threat: [
    ["(i'?ll|i will|gonna|going to) (kill|hurt|shoot|stab|beat|destroy) you", 0.95],
    ['kill\\w*', 0.45],
    ['murder\\w*', 0.55],
    ['shoot\\w*', 0.35],
    ['stab\\w*', 0.5],
    ['bomb\\w*', 0.45],
    ['attack\\w*', 0.3],
    ['weapon\\w*', 0.3],
    ['gun\\w*', 0.3],
    ['threat\\w*', 0.35],
    ['beat (you|him|her|them) up', 0.7],
    ['blow (it|you|them) up', 0.7],
    ['violence', 0.3],
    ['assault\\w*', 0.45],
  ],
  graphic: [
    ['blood\\w*', 0.35],
    ['gore', 0.6],
    ['gory', 0.6],
    ['corpse\\w*', 0.5],
    ['dismember\\w*', 0.8],
    ['decapitat\\w+', 0.85],
    ['mutilat\\w+', 0.8],
    ['severed', 0.55],
    ['guts', 0.35],
    ['torture\\w*', 0.6],
    ['bleeding', 0.4],
    ['dead bod(y|ies)', 0.5],
  ],
  harassment_or_abuse: [
    ["(i know|i'?ll find) where you live", 0.9],
    ['nobody (likes|wants) you', 0.65],
    ['kill yourself', 0.95],
    ['kys', 0.8],
    ['you deserve (it|to die|this)', 0.6],
    ['stalk\\w*', 0.5],
    ['bully\\w*', 0.45],
    ['harass\\w*', 0.45],
    ['shut your mouth', 0.55],
    ['(fat|ugly) (pig|cow)', 0.75],
    ['abus\\w+', 0.35],
    ['humiliat\\w+', 0.35],
  ],
};

/** A lexicon's terms as word-boundary, case-insensitive expressions. */
export function compileLexicon(terms: [string, number][]): (readonly [RegExp, number])[] {
  return terms.map(([t, w]) => [new RegExp(`\\b(?:${t})\\b`, 'gi'), w] as const);
}

/** One text's score against one compiled lexicon: 1 − Π(1 − w) over the matches (each term counted ≤ 3 times). */
export function lexiconScore(text: string, lexicon: (readonly [RegExp, number])[]): number {
  let keep = 1;
  for (const [re, w] of lexicon) {
    const hits = text.match(re)?.length ?? 0;
    if (hits) keep *= (1 - w) ** Math.min(hits, 3);
  }
  // a small floor: a lexicon never proves a text is clean
  return Math.round((0.001 + 0.999 * (1 - keep)) * 10_000) / 10_000;
}

const COMPILED = Object.fromEntries(
  Object.entries(LEXICON).map(([cat, terms]) => [cat, compileLexicon(terms)]),
) as Record<ModerationCategoryName, (readonly [RegExp, number])[]>;

/** Scores of one text in every category (0..1, rounded to 4 places). */
export function moderateText(text: string): ModerationScores {
  const out = {} as ModerationScores;
  for (const cat of MODERATION_CATEGORIES) out[cat] = lexiconScore(text, COMPILED[cat]);
  return out;
}

export const lexiconModerator: TextModerator = {
  name: 'lexicon-rules-v1',
  async classify(texts) {
    return texts.map(moderateText);
  },
};
