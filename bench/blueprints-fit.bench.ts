/**
 * `npm run bench -- blueprints-fit`: fits the calibration map of values the generative model reads, on the SROIE
 * dev receipts through the API (bench/blueprints-api.bench.ts `fitModelCalibration`), and writes it into
 * blueprints/calibration.json. BENCH_RECEIPTS=n uses the first n dev receipts.
 */
import { fitModelCalibration } from './blueprints-api.bench.ts';

export default fitModelCalibration;
