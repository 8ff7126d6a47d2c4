/** The calibration map fitted by `npm run bench -- blueprints` on the evaluation sets (identity until fitted). */

import map from './calibration.json' with { type: 'json' };
import type { CalibrationMap } from './confidence.ts';

export const calibration: CalibrationMap = map as CalibrationMap;
