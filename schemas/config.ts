/**
 * The runtime configuration of every Quarry process, one section per capability, each variable declared
 * once (name, default, meaning) in schemas/config/; README §Configuration is generated from it
 * (`npm run docs:config`). Parsed once at start-up and passed down through deps: an invalid value stops the
 * process with an error naming the variable and what it expects.
 */
import path from 'node:path';
import { z } from 'zod';
import { DocumentsConfig, ImagesConfig } from './config/documents.ts';
import { GenerativeConfig } from './config/generative.ts';
import { KnowledgeBaseConfig } from './config/knowledge-base.ts';
import { AudioConfig, VideoConfig } from './config/media.ts';
import { ObservabilityConfig } from './config/observability.ts';
import { scriptVariables } from './config/script-variables.ts';
import {
  ApiConfig,
  CodecServerConfig,
  EncryptionConfig,
  QuotasConfig,
  StorageConfig,
  TemporalConfig,
  WebhooksConfig,
} from './config/server.ts';
import { unknownVariableWarnings } from './config/unknown-variables.ts';
import { kinds, listVariables, section, variable } from './config/variables.ts';
import { CliConfig, ToolsConfig, WorkerConfig } from './config/worker.ts';

export const QuarryConfig = section(
  'Quarry',
  z.object({
    home: variable(
      'QUARRY_HOME',
      kinds
        .text()
        .default('.quarry')
        .transform((h) => path.resolve(h)),
      'state: dev server SQLite, dev encryption key, control-plane store, sync scratch',
    ),
    root: variable('QUARRY_ROOT', kinds.text().optional(), 'the Quarry checkout whose `.models/` setup filled', {
      shown: 'the working directory',
    }),
    region: variable('QUARRY_REGION', kinds.text().default('us-east-1'), 'the region invocation ARNs name'),
    accountId: variable(
      'QUARRY_ACCOUNT_ID',
      kinds
        .text()
        .pipe(z.string().regex(/^[0-9]{12}$/, { error: 'expected 12 digits' }))
        .default('000000000000'),
      'the account invocation ARNs name',
    ),
    temporal: TemporalConfig,
    api: ApiConfig,
    storage: StorageConfig,
    quotas: QuotasConfig,
    webhooks: WebhooksConfig,
    encryption: EncryptionConfig,
    codec: CodecServerConfig,
    documents: DocumentsConfig,
    images: ImagesConfig,
    audio: AudioConfig,
    video: VideoConfig,
    generative: GenerativeConfig,
    knowledgeBase: KnowledgeBaseConfig,
    worker: WorkerConfig,
    tools: ToolsConfig,
    cli: CliConfig,
    observability: ObservabilityConfig,
  }),
).transform((c) => ({
  ...c,
  audio: {
    ...c.audio,
    asr: {
      ...c.audio.asr,
      modelPath: c.audio.asr.modelPath ?? path.resolve(c.root ?? '.', '.models/whisper/ggml-base.bin'),
      // installed by scripts/setup.d/31-faster-whisper.sh
      fasterWhisper: {
        python: path.resolve(c.root ?? '.', '.tools/faster-whisper-venv/bin/python'),
        modelDir: path.resolve(c.root ?? '.', '.models/whisper/ct2'),
      },
    },
  },
}));
export type QuarryConfig = z.infer<typeof QuarryConfig>;

/** Every configuration variable, in README order. */
export const configVariables = listVariables(QuarryConfig);
/** Every QUARRY_* name something reads: the configuration's and the scripts' own. */
export const knownVariables: readonly string[] = [
  ...configVariables.flatMap((v) => (v.fallback ? [v.env, v.fallback] : [v.env])),
  ...scriptVariables.map((v) => v.env),
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration (README §Configuration):\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const read = (env: NodeJS.ProcessEnv, name: string) => (env[name] === '' ? undefined : env[name]);

/** The configuration an environment describes (unset and empty variables take their defaults); throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QuarryConfig {
  const input: Record<string, unknown> = {};
  const raw = (v: (typeof configVariables)[number]) =>
    read(env, v.env) ?? (v.fallback ? read(env, v.fallback) : undefined);
  for (const v of configVariables) {
    let at = input;
    for (const key of v.path.slice(0, -1)) {
      at[key] ??= {};
      at = at[key] as Record<string, unknown>;
    }
    at[v.path[v.path.length - 1]] = raw(v);
  }
  const parsed = QuarryConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const v = configVariables.find((c) => c.path.every((k, i) => issue.path[i] === k));
    if (!v || issue.code === 'custom') return issue.message;
    const named = read(env, v.env) === undefined && v.fallback ? v.fallback : v.env;
    return `${named}${v.secret ? '' : `=${JSON.stringify(raw(v))}`}: ${issue.message}`;
  });
  throw new ConfigError([...new Set(problems)]);
}

/** What a process does at start-up: the configuration, and one warning per unknown QUARRY_* variable. */
export function startupConfig(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (m) => console.warn(`quarry: ${m}`),
): QuarryConfig {
  const config = loadConfig(env);
  for (const w of unknownVariableWarnings(env, knownVariables)) warn(w);
  return config;
}
