import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAudioLimits } from '../../activities/audio/audio-limits.ts';
import { pipelineSileroOptions } from '../../engines/speech/silero-vad.ts';
import { DEFAULT_VAD } from '../../engines/speech/vad-engine.ts';
import { defaultChunkPlan } from '../../engines/speech/voice-activity.ts';
import { DEFAULT_MODERATION_MODEL, DEFAULT_MODERATION_THRESHOLD } from '../../engines/vision/moderation.ts';
import { unknownVariableWarnings } from '../../schemas/config/unknown-variables.ts';
import { ConfigError, configVariables, knownVariables, loadConfig, startupConfig } from '../../schemas/config.ts';
import { README, withConfigTables } from '../../scripts/config-docs.ts';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('loadConfig accepted it');
};

describe('QuarryConfig: one schema, parsed from the environment', () => {
  it("keeps every variable's name and default", () => {
    const c = loadConfig({});
    expect(c.home).toBe(path.resolve('.quarry'));
    expect(c).toMatchObject({
      region: 'us-east-1',
      accountId: '000000000000',
      temporal: { address: '127.0.0.1:7233', namespace: 'default', tls: false },
      api: { host: '127.0.0.1', port: 8080, keys: {}, dev: false },
      storage: {
        allowedRoots: [],
        allowedBuckets: [],
        s3: { region: 'us-east-1', forcePathStyle: false },
        localCopiesMb: 2048,
      },
      quotas: {
        invokeTps: 10,
        concurrentJobs: { DOCUMENT: 50, IMAGE: 20, AUDIO: 20, VIDEO: 20 },
        maxWaitingJobs: 1000,
        batchWindow: 50,
      },
      webhooks: { urls: [] },
      documents: {
        limits: {
          maxBytes: 500 * 1024 * 1024,
          maxPages: 3000,
          maxPageInches: 40,
          maxPixels: 10000,
          pageGroupSize: 25,
          maxGroupsInFlight: 4,
          ocrDpi: 300,
        },
        ocr: { engine: 'auto', psm: 3, enlarge: true, sparsePass: true },
      },
      images: { ocrPsm: 3 },
      audio: { chunkMs: 180_000, asr: { language: 'en', threads: 2, beamSize: 1 } },
      video: { maxMs: 240 * 60_000, maxBytes: 10_240 * 1024 * 1024 },
      generative: { provider: 'auto', threads: 2 },
      worker: { queues: 'all', slots: {}, providerRps: 5, logLevel: 'WARN' },
      tools: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', tesseract: 'tesseract', soffice: 'soffice' },
      cli: { endpoint: 'http://127.0.0.1:8080', temporalPort: 7233, uiPort: 8233 },
    });
    expect(c.documents.ocr.concurrency).toBeUndefined();
    expect(c.audio.asr.modelPath).toBe(path.resolve('.models/whisper/ggml-base.bin'));
  });

  it('has the same defaults as the engines that also run without a configuration', () => {
    const c = loadConfig({});
    expect(c.audio.vad.silero).toEqual(pipelineSileroOptions);
    expect(c.audio.vad.engine).toBe(DEFAULT_VAD);
    expect(c.audio.chunkMs).toBe(defaultChunkPlan.targetMs);
    expect(c.audio.limits).toEqual(defaultAudioLimits);
    expect(c.images.moderation).toEqual({ model: DEFAULT_MODERATION_MODEL, threshold: DEFAULT_MODERATION_THRESHOLD });
  });

  it('parses values in their units, derives what depends on another variable, and treats empty as unset', () => {
    const c = loadConfig({
      QUARRY_AUDIO_MAX_MINUTES: '0.05',
      QUARRY_AUDIO_MAX_MB: '1',
      QUARRY_DOC_MAX_BYTES: '1e6',
      QUARRY_API_KEYS: 'AKIDA:tenant-a, AKIDB',
      QUARRY_ALLOWED_ROOTS: 'data/in, ,/srv/out',
      QUARRY_S3_ENDPOINT: 'http://minio:9000',
      AWS_REGION: 'eu-west-1',
      TEMPORAL_API_KEY: 'secret',
      QUARRY_ROOT: '/opt/quarry',
      QUARRY_SLOTS_AUDIO: '3',
      QUARRY_LOG_LEVEL: 'error',
      QUARRY_OCR_ENGINE: 'Tesseract.js',
      QUARRY_API_HOST: '',
    });
    expect(c.audio.limits.maxDurationMs).toBe(3000);
    expect(c.audio.limits.maxBytes).toBe(1024 * 1024);
    expect(c.documents.limits.maxBytes).toBe(1_000_000);
    expect(c.api.keys).toEqual({ AKIDA: { tenant: 'tenant-a', secret: 'AKIDA' }, AKIDB: { tenant: 'default', secret: 'AKIDB' } });
    expect(c.storage.allowedRoots).toEqual([path.resolve('data/in'), '/srv/out']);
    expect(c.storage.s3).toEqual({ endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true });
    expect(loadConfig({ QUARRY_S3_REGION: 'us-west-2', AWS_REGION: 'eu-west-1' }).storage.s3.region).toBe('us-west-2');
    expect(c.temporal.tls).toBe(true);
    expect(c.audio.asr.modelPath).toBe('/opt/quarry/.models/whisper/ggml-base.bin');
    expect(c.worker.slots).toEqual({ audio: 3 });
    expect(c.worker.logLevel).toBe('ERROR');
    expect(c.documents.ocr.engine).toBe('tesseract.js');
    expect(c.api.host).toBe('127.0.0.1');
  });

  it('reads flags as 1/0, true/false, yes/no, on/off', () => {
    for (const on of ['1', 'true', 'YES', 'on']) expect(loadConfig({ QUARRY_DEV: on }).api.dev).toBe(true);
    for (const off of ['0', 'false', 'no', 'Off'])
      expect(loadConfig({ QUARRY_OCR_ENLARGE: off }).documents.ocr.enlarge).toBe(false);
    expect(
      loadConfig({ QUARRY_S3_ENDPOINT: 'http://minio:9000', QUARRY_S3_FORCE_PATH_STYLE: '0' }).storage.s3
        .forcePathStyle,
    ).toBe(false);
  });

  it('refuses an invalid value at start-up, naming the variable and what it expects (all problems at once)', () => {
    expect(
      problemsOf({
        QUARRY_DOC_MAX_PAGES: 'abc',
        QUARRY_DOC_PAGE_GROUP: '2.5',
        QUARRY_DEV: 'maybe',
        QUARRY_VAD: 'webrtc',
        QUARRY_IMAGE_MODERATION_THRESHOLD: '1.5',
        QUARRY_OCR_PSM: '14',
        QUARRY_SLOTS_DOCUMENT: '0',
        QUARRY_ACCOUNT_ID: '12',
      }),
    ).toEqual([
      'QUARRY_ACCOUNT_ID="12": expected 12 digits',
      'QUARRY_DEV="maybe": expected 1/0, true/false, yes/no or on/off',
      'QUARRY_DOC_MAX_PAGES="abc": expected a positive integer',
      'QUARRY_DOC_PAGE_GROUP="2.5": expected a positive integer',
      'QUARRY_OCR_PSM="14": expected an integer from 0 to 13',
      'QUARRY_IMAGE_MODERATION_THRESHOLD="1.5": expected a number > 0 and ≤ 1',
      'QUARRY_VAD="webrtc": expected one of energy, silero',
      'QUARRY_SLOTS_DOCUMENT="0": expected a positive integer',
    ]);
    expect(() => loadConfig({ QUARRY_BATCH_WINDOW: 'lots' })).toThrow(
      /invalid configuration \(README §Configuration\):\n {2}QUARRY_BATCH_WINDOW="lots": expected a positive integer/,
    );
  });

  it('never echoes a secret in an error', () => {
    expect(problemsOf({ QUARRY_API_KEYS: 'x', QUARRY_GENERATIVE_TIMEOUT_MS: 'soon', TEMPORAL_TLS: 'sure' })).toEqual([
      'TEMPORAL_TLS="sure": expected 1/0, true/false, yes/no or on/off',
      'QUARRY_GENERATIVE_TIMEOUT_MS="soon": expected a positive integer',
    ]);
  });

  it('checks at start-up that the generative provider has what it needs, and keeps its aliases', () => {
    expect(problemsOf({ QUARRY_GENERATIVE_PROVIDER: 'ollama' })).toEqual([
      'QUARRY_GENERATIVE=openai-compatible needs QUARRY_GENERATIVE_URL (e.g. http://127.0.0.1:11434/v1)',
    ]);
    expect(problemsOf({ QUARRY_GENERATIVE_PROVIDER: 'bedrock' })[0]).toMatch(/needs QUARRY_GENERATIVE_MODEL/);
    expect(problemsOf({ QUARRY_GENERATIVE_PROVIDER: 'node-llama-cpp' })[0]).toMatch(/llama-cpp needs QUARRY_GGUF_PATH/);
    expect(
      loadConfig({ QUARRY_GENERATIVE_PROVIDER: 'Bedrock-Converse', QUARRY_GENERATIVE_MODEL: 'm' }).generative.provider,
    ).toBe('bedrock');
    expect(loadConfig({ QUARRY_GENERATIVE_PROVIDER: '' }).generative.provider).toBe('auto');
    expect(loadConfig({}).generative.provider).toBe('auto');
  });

  it('reads QUARRY_GENERATIVE first and the older QUARRY_GENERATIVE_PROVIDER when it is unset, naming the one set', () => {
    expect(loadConfig({ QUARRY_GENERATIVE: 'off', QUARRY_GENERATIVE_PROVIDER: 'embedded' }).generative.provider).toBe('off');
    expect(loadConfig({ QUARRY_GENERATIVE_PROVIDER: 'none' }).generative.provider).toBe('off');
    expect(problemsOf({ QUARRY_GENERATIVE_PROVIDER: 'magic' })[0]).toMatch(/^QUARRY_GENERATIVE_PROVIDER="magic": expected one of/);
    expect(problemsOf({ QUARRY_GENERATIVE: 'magic' })[0]).toMatch(/^QUARRY_GENERATIVE="magic": expected one of auto, off/);
    expect(knownVariables).toContain('QUARRY_GENERATIVE_PROVIDER');
  });

  it('declares each variable once', () => {
    const names = configVariables.map((v) => v.env);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(knownVariables).size).toBe(knownVariables.length);
    for (const v of configVariables) expect(v.doc.length, v.env).toBeGreaterThan(5);
  });
});

describe('unknown QUARRY_* variables', () => {
  it('warns once per unknown variable, naming the nearest known one; known, script and foreign names pass', () => {
    expect(
      unknownVariableWarnings(
        {
          QUARRY_DOC_MAX_PAGE: '10',
          QUARRY_SLOT_AUDIO: '2',
          QUARRY_WISPER_MODEL: '/m.bin',
          QUARRY_DOC_MAX_PAGES: '10',
          QUARRY_NOOP_MS: '400',
          QUARRY_BENCH_ASSETS: '10',
          TEMPORAL_SOMETHING: '1',
          PATH: '/usr/bin',
        },
        knownVariables,
      ),
    ).toEqual([
      'QUARRY_DOC_MAX_PAGE is not a Quarry variable and is ignored; did you mean QUARRY_DOC_MAX_PAGES? (README §Configuration)',
      'QUARRY_SLOT_AUDIO is not a Quarry variable and is ignored; did you mean QUARRY_SLOTS_AUDIO? (README §Configuration)',
      'QUARRY_WISPER_MODEL is not a Quarry variable and is ignored; did you mean QUARRY_WHISPER_MODEL? (README §Configuration)',
    ]);
  });

  it('are reported by startupConfig, which still starts', () => {
    const warnings: string[] = [];
    const config = startupConfig({ QUARRY_BATCH_WINDOWS: '4', QUARRY_BATCH_WINDOW: '8' }, (m) => warnings.push(m));
    expect(config.quotas.batchWindow).toBe(8);
    expect(warnings).toEqual([expect.stringMatching(/^QUARRY_BATCH_WINDOWS .*did you mean QUARRY_BATCH_WINDOW\?/)]);
  });
});

describe('README §Configuration', () => {
  it('is what the schema generates (npm run docs:config rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme, 'README §Configuration differs from the schema: run npm run docs:config').toBe(
      withConfigTables(readme),
    );
    for (const v of configVariables) expect(readme).toContain(`| \`${v.env}\` |`);
  });
});

describe('no configuration read around QuarryConfig', () => {
  it('no product file reads a variable from the environment itself', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const folders = [
      'activities',
      'api',
      'blueprints',
      'cli',
      'codecs',
      'control-plane',
      'engines',
      'schemas',
      'worker',
      'workflows',
    ];
    const offenders: string[] = [];
    for (const folder of folders) {
      for (const file of await fs.readdir(path.join(root, folder), { recursive: true })) {
        if (!file.endsWith('.ts') || path.join(folder, file) === path.join('schemas', 'config.ts')) continue;
        const text = await fs.readFile(path.join(root, folder, file), 'utf8');
        // passing the environment on to a child process ({ ...process.env }) is not reading it
        if (/process\.env(\.|\[)|\benv(\.|\[['"`])(QUARRY|TEMPORAL)_/.test(text))
          offenders.push(path.join(folder, file));
      }
    }
    expect(offenders).toEqual([]);
  });
});
