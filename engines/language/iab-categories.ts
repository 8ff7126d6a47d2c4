/**
 * IAB Content Taxonomy 3.1 categories for a text (a transcript, an image caption, a video chapter). Shared by the
 * audio, image and video modalities. The taxonomy is vendored in data/iab (CC BY 3.0, see ATTRIBUTION.md).
 *
 * Method (offline, explainable): each category is described by the words of its own name and of its parents'
 * names, plus Quarry's keyword hints for the tier-1 categories; a text is scored by the IDF-weighted share of its
 * content terms that hit a category's words. Only categories hit by at least two term occurrences are reported,
 * at most `limit`, with a confidence that grows with the evidence. An embedding matcher can replace it later.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { terms } from './extractive-summary.ts';

export const IAB_METHOD = 'keyword-match:iab-content-taxonomy-3.1';

export interface IabNode {
  id: string;
  parentId: string;
  name: string;
  tier: number;
  path: string[];
}

export interface IabMatch {
  id: string;
  type: 'IAB';
  category: string;
  confidence: number;
  taxonomy_level: number;
  parent_name: string;
}

/** Quarry's hints: everyday words that signal a tier-1 category but do not appear in its name. */
const HINTS: Record<string, string> = {
  Automotive: 'car cars vehicle vehicles truck driving driver engine motor dealership tire sedan suv',
  'Books and Literature':
    'book books novel novels author poetry poem literature chapter reader printing printed bible library',
  'Business and Finance':
    'business company companies market revenue profit economy industry corporate startup investor sales customer',
  Careers: 'job jobs career hiring interview resume salary employer employee',
  Crime: 'crime criminal police arrest theft robbery murder prison court',
  Education: 'school schools student students teacher teachers university college lesson learning class exam',
  'Family and Relationships':
    'family mother father parent parents children child marriage married wife husband daughter son',
  'Food & Drink':
    'food drink cooking recipe restaurant dinner lunch breakfast meal eat eating wine beer coffee potatoes',
  'Healthy Living': 'fitness exercise diet nutrition wellness workout',
  'Medical Health': 'doctor hospital patient disease medicine medical symptoms treatment health',
  'Personal Finance': 'money bank loan mortgage savings budget tax taxes credit insurance pension',
  Politics:
    'government president election vote voting congress senate policy political minister country citizens nation',
  Religion: 'church god prayer faith religious bible',
  Science: 'science scientist research experiment physics chemistry biology space',
  Sports: 'game team player players match score football soccer basketball baseball tennis coach league',
  'Technology & Computing': 'computer software hardware internet app data technology digital program programming',
  Travel: 'travel trip flight hotel vacation tourist tourism airport',
  'War and Conflicts': 'war army soldiers military battle troops',
  'Fine Art': 'art artist painting paintings museum gallery sculpture type typography',
  Entertainment: 'movie movies film music song songs television show actor actress',
  'Video Gaming': 'video game gaming console player',
  Pets: 'dog dogs cat cats pet pets puppy',
  'Real Estate': 'house houses apartment rent property real estate',
  Shopping: 'shopping store buy price discount sale',
  'Home & Garden': 'garden gardening home kitchen furniture',
  'Style & Fashion': 'fashion clothes clothing dress style shoes',
};

let cached: IabNode[] | null = null;

export function loadIabTaxonomy(
  file = fileURLToPath(new URL('../../data/iab/content-taxonomy-3.1.tsv', import.meta.url)),
): IabNode[] {
  if (cached) return cached;
  const rows = readFileSync(file, 'utf8').split('\n').slice(2);
  const nodes: IabNode[] = [];
  for (const row of rows) {
    const cols = row.split('\t');
    if (!cols[0]?.trim() || !cols[2]) continue;
    const tiers = cols
      .slice(3, 7)
      .map((c) => c.trim())
      .filter(Boolean);
    nodes.push({
      id: cols[0].trim(),
      parentId: cols[1].trim(),
      name: cols[2].trim(),
      tier: Math.max(1, tiers.length),
      path: tiers,
    });
  }
  cached = nodes;
  return nodes;
}

export function matchIabCategories(text: string, opts: { limit?: number; minHits?: number } = {}): IabMatch[] {
  const limit = opts.limit ?? 5;
  const minHits = opts.minHits ?? 2;
  const nodes = loadIabTaxonomy();
  const textTerms = terms(text);
  if (!textTerms.length) return [];
  const tf = new Map<string, number>();
  for (const t of textTerms) tf.set(t, (tf.get(t) ?? 0) + 1);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // category vocabularies, and how many categories use each word (for IDF)
  const vocab = nodes.map((n) => {
    const hint = HINTS[n.path[0] ?? n.name] && n.tier === 1 ? HINTS[n.path[0] ?? n.name] : '';
    return new Set(terms(`${n.name} ${hint}`));
  });
  const df = new Map<string, number>();
  for (const v of vocab) for (const t of v) df.set(t, (df.get(t) ?? 0) + 1);
  const scored: { node: IabNode; score: number; hits: number }[] = [];
  nodes.forEach((node, i) => {
    let score = 0;
    let hits = 0;
    for (const t of vocab[i]) {
      const n = tf.get(t);
      if (!n) continue;
      hits += n;
      score += n * Math.log(1 + nodes.length / (df.get(t) ?? 1));
    }
    if (hits >= minHits) scored.push({ node, score: score / Math.sqrt(textTerms.length), hits });
  });
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit).map(({ node, score, hits }) => ({
    id: node.id,
    type: 'IAB',
    category: node.name,
    confidence: Math.round(Math.min(0.95, (1 - Math.exp(-score / 2)) * (1 - 0.5 ** hits)) * 1000) / 1000,
    taxonomy_level: node.tier,
    parent_name: byId.get(node.parentId)?.name ?? '',
  }));
}
