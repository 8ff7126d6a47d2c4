/**
 * Runs one audio file through the audio activities in-process (the same code the workflow calls, without
 * Temporal), as the benchmarks need. As a script: `tsx bench/audio/process-file.ts <file>` prints JSON with wall
 * time and peak RSS, so a long file can be measured in a process of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createAudioActivities } from '../../activities/audio/audio-activities.ts';
import { openStorage } from '../../engines/storage/open-storage.ts';
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';
import { loadConfig } from '../../schemas/config.ts';
import {
  defaultStandardOutputConfiguration,
  type StandardOutputConfiguration,
} from '../../schemas/output-configuration.ts';

export interface ProcessedFile {
  output: AudioStandardOutput;
  wallMs: number;
  audioMs: number;
  chunks: number;
  peakRssMb: number;
}

export async function processFile(
  file: string,
  config: StandardOutputConfiguration = defaultStandardOutputConfiguration,
  concurrency = 1,
): Promise<ProcessedFile> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'quarry-audio-bench-'));
  try {
    // speech speed and accuracy: summaries phrased by the model only when the variable asks for it
    const cfg = loadConfig({ ...process.env, QUARRY_GENERATIVE: process.env.QUARRY_GENERATIVE ?? 'off', QUARRY_ALLOWED_ROOTS: `${work},${path.dirname(path.resolve(file))}` });
    const storage = openStorage(cfg);
    const a = createAudioActivities({ config: cfg, storage, client: undefined as never });
    const assetUri = pathToFileURL(path.resolve(file)).href;
    const out = pathToFileURL(work).href;
    const workUri = `${out}/_audio_work`;
    const t0 = Date.now();
    const facts = await a.probeAudio({ assetUri });
    const channelLabeling =
      config.audio?.extraction?.category.typeConfiguration?.transcript?.channelLabeling?.state === 'ENABLED';
    const channels = channelLabeling && facts.channels === 2 ? [0, 1] : undefined;
    const plan = await a.planAudio({ assetUri, workUri, durationMs: facts.durationMs, channels });
    const uris = new Map<number, string>();
    const todo = plan.chunks.map((c, i) => ({ c, i })).filter(({ c }) => c.speechMs > 0);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let next = todo.shift(); next; next = todo.shift()) {
          uris.set(
            next.i,
            (await a.transcribeAudioChunk({ assetUri, workUri, chunk: next.c, regionsUri: plan.regionsUri })).uri,
          );
        }
      }),
    );
    const sp =
      plan.speechMs > 0
        ? await a.labelSpeakers({ assetUri, workUri, regionsUri: plan.regionsUri, channels })
        : undefined;
    const w = await a.writeAudioOutput({
      assetIndex: 0,
      assetUri,
      assetOutputUri: out,
      workUri,
      facts,
      chunks: plan.chunks.map((chunk, i) => ({ chunk, uri: uris.get(i) })),
      speakersUri: sp?.uri,
      standardOutputConfiguration: config,
    });
    const output = await storage.readJson<AudioStandardOutput>(w.segment.standardOutputUri);
    return {
      output,
      wallMs: Date.now() - t0,
      audioMs: facts.durationMs,
      chunks: plan.chunks.length,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await processFile(process.argv[2]);
  const { output, ...rest } = r;
  console.log(
    JSON.stringify({
      ...rest,
      text: output.audio_segments.map((s) => s.text).join(' '),
      words: output.audio_items.length,
    }),
  );
  process.exit(0);
}
