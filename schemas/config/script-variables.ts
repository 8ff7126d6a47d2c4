/**
 * QUARRY_* names that no Quarry process reads: setup, the tests and the benchmarks set them for their own
 * scripts. Known, so they draw no unknown-variable warning, and listed apart from the configuration in the
 * README. Pure.
 */
export interface ScriptVariable {
  env: string;
  where: 'setup' | 'tests' | 'benchmarks';
  doc: string;
}

export const scriptVariables: ScriptVariable[] = [
  { env: 'QUARRY_SKIP_LLM', where: 'setup', doc: '`1` skips the generative model step' },
  {
    env: 'QUARRY_SKIP_TEMPORAL_SERVER',
    where: 'setup',
    doc: "`1` skips building the Temporal server (and installing Debian's PostgreSQL) for the scale-out test",
  },
  { env: 'QUARRY_NOOP_MS', where: 'tests', doc: "how long the crash-recovery worker's no-op media activities take" },
  { env: 'QUARRY_WRITE_LOG', where: 'tests', doc: 'where that worker logs every output write' },
  { env: 'QUARRY_START_LOG', where: 'tests', doc: 'where that worker logs every activity start' },
  { env: 'QUARRY_TEST_QUEUES', where: 'tests', doc: 'the task queues that worker serves (orchestration,document)' },
  { env: 'QUARRY_EVAL_DIR', where: 'benchmarks', doc: 'the evaluation data, default `../shared/eval`' },
  { env: 'QUARRY_EVAL_SPEECH', where: 'benchmarks', doc: 'the speech evaluation data' },
  { env: 'QUARRY_BENCH_ASSETS', where: 'benchmarks', doc: 'assets of the orchestration benchmark' },
  { env: 'QUARRY_BENCH_MAX_MINUTES', where: 'benchmarks', doc: 'time limit of the orchestration benchmark' },
  { env: 'QUARRY_BENCH_LONG_MINUTES', where: 'benchmarks', doc: "length of the audio benchmark's long file" },
  { env: 'QUARRY_BENCH_VAD_WER', where: 'benchmarks', doc: '`0` skips the WER runs of the VAD benchmark' },
];
