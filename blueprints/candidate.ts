/** A value the layout pass found for a field, with the words it came from and the cues that scored it. */

import type { Features } from './evidence.ts';
import type { LayoutWord } from './layout.ts';

export interface Candidate {
  words: LayoutWord[];
  raw: string;
  value: string | number | boolean | null;
  parse: number;
  label: number;
  position: number;
  source: Features['source'];
}
