/** The video summary phrased by the model on the generative queue: kept when grounded in the chapters, else the outline stays with the reason. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createSummaryActivities } from '../../activities/summary/summary-activities.ts';
import type { GenerativeProvider } from '../../engines/language/provider.ts';
import { FileStorage } from '../../engines/storage/file-storage.ts';
import { StorageRouter } from '../../engines/storage/open-storage.ts';
import { loadConfig } from '../../schemas/config.ts';
import { VideoStandardOutput } from '../../schemas/video-output.ts';

const chapter = (i: number, summary: string) => ({
  chapter_index: i,
  start_timecode_smpte: '00:00:00:00',
  end_timecode_smpte: '00:00:08:00',
  start_timestamp_millis: i * 8000,
  end_timestamp_millis: (i + 1) * 8000,
  start_frame_index: i * 200,
  end_frame_index: (i + 1) * 200 - 1,
  duration_millis: 8000,
  shot_indices: [i],
  summary,
});

const video: VideoStandardOutput = {
  metadata: { asset_id: '0', semantic_modality: 'VIDEO', format: 'mp4', frame_rate: 25, codec: 'h264', duration_millis: 16000, frame_width: 640, frame_height: 360 },
  video: { summary: 'A 16-second video in 2 chapters. …', summary_engine: 'outline' },
  shots: [],
  chapters: [
    chapter(0, 'Welcome to the quarterly sales review. On screen: "REVENUE UP TWELVE PERCENT".'),
    chapter(1, 'This easy pasta recipe needs tomatoes. On screen: "EASY PASTA RECIPE".'),
  ],
  statistics: { shot_count: 0, chapter_count: 2 },
  quarry_capabilities: { shots: 's', chapters: 'c', not_generated: [] },
};

async function phrase(answer: string) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-video-summary-'));
  const file = path.join(dir, 'result.json');
  await fs.writeFile(file, JSON.stringify(video));
  const prompts: string[] = [];
  const provider: GenerativeProvider = {
    name: 'fake',
    async generate(req) {
      prompts.push(req.prompt);
      return { text: answer, model: 'fake' };
    },
  };
  const { phraseVideoSummary } = createSummaryActivities({
    config: loadConfig({}),
    storage: new StorageRouter(new FileStorage([dir]), new FileStorage([])),
    client: {} as Client,
    provider,
  });
  await phraseVideoSummary({ standardOutputUri: pathToFileURL(file).href });
  const out = VideoStandardOutput.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  await fs.rm(dir, { recursive: true });
  return { out, prompts };
}

describe('VIDEO_SUMMARY phrased by the model', () => {
  it('keeps a phrasing grounded in the chapters', async () => {
    const { out, prompts } = await phrase('A quarterly sales review with revenue up twelve percent, then an easy pasta recipe.');
    expect(prompts[0]).toMatch(/Chapter 1 \(0:00–0:08\): Welcome to the quarterly sales review/);
    expect(out.video.summary_engine).toBe('generative:fake');
    expect(out.video.summary).toMatch(/^A quarterly sales review/);
  });
  it('refuses a name or number the chapters do not state, and keeps the outline', async () => {
    const { out } = await phrase('Chef Mario cooks pasta for 45 minutes.');
    expect(out.video.summary).toBe(video.video.summary);
    expect(out.video.summary_note).toMatch(/Mario|45/);
  });
});
