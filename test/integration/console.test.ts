/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real stack: Temporal,
 * every worker, the API serving the console built from console/. A blueprint is created and promoted in the
 * console, samples/sample.pdf is dropped into it and run with that blueprint, and the boxes drawn over the page
 * images are compared with result.json's boxes; clicking a field highlights its box. The console's own routes
 * (key cookie, upload limit, job-scoped files) are checked over plain HTTP.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handleControlPlane } from '../../api/control-plane-routes.ts';
import { type RunningApi, startApi } from '../../api/server.ts';
import type { Box } from '../../schemas/box.ts';
import type { DocumentStandardOutput } from '../../schemas/document-output.ts';
import type { ImageStandardOutput } from '../../schemas/image-output.ts';
import { activitiesByQueue } from '../../worker/activities.ts';
import { startBrowser } from '../helpers/browser.ts';
import { createStack, type Stack } from '../helpers/stack.ts';

const SHOTS = path.resolve('.scratch/console');

const ORDER_BLUEPRINT = {
  class: 'OrderSummary',
  description: 'A quarterly order summary: its order lines with item, quantity and price',
  definitions: {
    Line: {
      properties: {
        Item: { type: 'string', inferenceType: 'explicit', instruction: 'The item ordered' },
        Quantity: { type: 'integer', inferenceType: 'explicit', instruction: 'How many were ordered' },
        Price: { type: 'number', inferenceType: 'explicit', instruction: 'The price of the line' },
      },
    },
  },
  properties: {
    OrderLines: { type: 'array', instruction: 'The order lines of the table', items: { $ref: '#/definitions/Line' } },
  },
};

let stack: Stack;
let api: RunningApi;
let browser: Awaited<ReturnType<typeof startBrowser>>;
let page: Page;

beforeAll(async () => {
  const started = Date.now();
  await build({ configFile: path.resolve('console/vite.config.ts'), logLevel: 'warn' });
  console.log(`[console] front-end built in ${Date.now() - started} ms`);
  stack = await createStack({ address: inject('temporalAddress'), activities: activitiesByQueue });
  api = await startApi(
    { config: stack.config, client: stack.client, storage: stack.storage, controlPlane: handleControlPlane },
    { host: '127.0.0.1', port: 0 },
  );
  browser = await startBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('[browser]', e.message));
  await fs.mkdir(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await stack?.close();
});

/** Where a drawn rect sits on its page image, as fractions of the image (what result.json's boxes are). */
async function drawnBox(p: Page, selector: string) {
  return p.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    const img = el.closest('.frame')!.querySelector('img')!.getBoundingClientRect();
    return {
      left: (r.left - img.left) / img.width,
      top: (r.top - img.top) / img.height,
      width: r.width / img.width,
      height: r.height / img.height,
    };
  });
}

function expectSameBox(
  drawn: { left: number; top: number; width: number; height: number },
  box: typeof drawn,
  what: string,
) {
  for (const k of ['left', 'top', 'width', 'height'] as const)
    expect(
      Math.abs(drawn[k] - box[k]),
      `${what}.${k}: drawn ${drawn[k].toFixed(4)}, result.json ${box[k].toFixed(4)}`,
    ).toBeLessThan(0.004);
}

describe('the web console', () => {
  let blueprintArn: string;

  it('creates a blueprint as JSON and promotes it DEVELOPMENT → LIVE', async () => {
    await page.goto(`${api.url}/console/#/blueprints`);
    await page.fill('input[name=blueprintName]', 'console-orders');
    await page.fill('form.create textarea[name=schema]', JSON.stringify(ORDER_BLUEPRINT, null, 2));
    await expect.poll(() => page.locator('form.create .schema-fields tr[data-field=OrderLines]').count()).toBe(1);
    await page.click('form.create button[type=submit]');
    await page.waitForSelector('[data-testid=stage]:text("DEVELOPMENT")');
    blueprintArn = decodeURIComponent(new URL(page.url()).hash.replace('#/blueprints/', ''));
    expect(blueprintArn).toMatch(/^arn:aws:bedrock:us-east-1:000000000000:blueprint\//);
    // a field added and edited in the form, then saved
    await page.click('.blueprint button[name=add-field]');
    const added = page.locator('.blueprint tr[data-field=field_1]');
    await added.locator('input[name=field-instruction]').fill('The title printed at the top of the page');
    await added.locator('input[name=field-instruction]').press('Tab');
    await added.locator('input[name=field-name]').fill('PageTitle');
    await added.locator('input[name=field-name]').press('Tab');
    await page.waitForSelector('.blueprint tr[data-field=PageTitle]');
    expect(await page.inputValue('.blueprint textarea[name=schema]')).toContain('"PageTitle"');
    await page.click('button[name=save]');
    await page.waitForSelector('[data-testid=note]:text("saved the DEVELOPMENT stage")');
    await page.click('button[name=promote]');
    await page.waitForSelector('[data-testid=stage]:text("LIVE")');
    await page.screenshot({ path: path.join(SHOTS, 'blueprint.png') });
    // the control plane itself now has both stages
    const r = await fetch(`${api.url}/blueprints`, { method: 'POST', body: JSON.stringify({ blueprintArn }) });
    const stages = ((await r.json()) as { blueprints: { blueprintStage: string }[] }).blueprints.map(
      (b) => b.blueprintStage,
    );
    expect(stages.sort()).toEqual(['DEVELOPMENT', 'LIVE']);
    const live = await fetch(`${api.url}/blueprints/${encodeURIComponent(blueprintArn)}`, {
      method: 'POST',
      body: JSON.stringify({ blueprintStage: 'LIVE' }),
    });
    const schema = JSON.parse(((await live.json()) as { blueprint: { schema: string } }).blueprint.schema);
    expect(schema.properties.PageTitle).toEqual({
      type: 'string',
      inferenceType: 'explicit',
      instruction: 'The title printed at the top of the page',
    });
    expect(Object.keys(schema.properties)).toEqual(['OrderLines', 'PageTitle']);
  });

  it('runs samples/sample.pdf and draws its boxes where result.json puts them; a field click highlights its box', async () => {
    await page.goto(`${api.url}/console/#/run`);
    await page.waitForSelector(`input[name=blueprint][value="${blueprintArn}"]`);
    await page.setInputFiles('input[type=file]', 'samples/sample.pdf');
    await page.check(`input[name=blueprint][value="${blueprintArn}"]`);
    await page.click('form.run button[type=submit]');
    await page.waitForURL(/#\/jobs\//);
    const jobId = new URL(page.url()).hash.split('/').pop()!;
    await page.waitForSelector('[data-status=Success]', { timeout: 240_000 });
    await page.waitForSelector('figure.page[data-page="0"] svg rect[data-kind=element]');

    // what the job wrote, read from storage as any reader would
    const { outputConfiguration } = (await (await fetch(`${api.url}/jobs/${jobId}`)).json()) as {
      outputConfiguration: { s3Uri: string };
    };
    const meta = await stack.storage.readJson<{
      output_metadata: { segment_metadata: { standard_output_path: string; custom_output_path?: string }[] }[];
    }>(outputConfiguration.s3Uri);
    const segment = meta.output_metadata[0].segment_metadata[0];
    const doc = await stack.storage.readJson<DocumentStandardOutput>(segment.standard_output_path);
    expect(doc.metadata.number_of_pages).toBe(3);
    expect(await page.locator('figure.page').count()).toBe(3);

    // every element box of page 1, drawn where result.json has it
    const elements = (doc.elements ?? []).flatMap((e) =>
      (e.locations ?? []).map((l, i) => ({
        id: `${e.type === 'TABLE' ? 'table' : 'element'}:${e.id}:${i}`,
        page: l.page_index,
        box: l.bounding_box!,
      })),
    );
    const onFirst = elements.filter((e) => e.page === 0);
    expect(onFirst.length).toBeGreaterThan(3);
    expect(
      await page
        .locator('figure.page[data-page="0"] rect[data-kind=element], figure.page[data-page="0"] rect[data-kind=table]')
        .count(),
    ).toBe(onFirst.length);
    for (const e of onFirst) expectSameBox(await drawnBox(page, `rect[data-id="${e.id}"]`), e.box, e.id);

    // words: switched on, every word of page 2 (the table page) in place
    await page.check('input[name=layer-word]');
    // page images load as they scroll into view
    await page.locator('figure.page[data-page="1"]').scrollIntoViewIfNeeded();
    await page.waitForSelector('figure.page[data-page="1"] svg rect[data-kind=word]');
    const words = (doc.text_words ?? []).filter((w) => w.page_index === 1);
    expect(words.length).toBeGreaterThan(20);
    expect(await page.locator('figure.page[data-page="1"] rect[data-kind=word]').count()).toBe(words.length);
    for (const w of words.slice(0, 40))
      expectSameBox(await drawnBox(page, `rect[data-id="word:${w.id}"]`), w.locations!.bounding_box!, w.text);
    await page.uncheck('input[name=layer-word]');

    // the tables are rendered
    const tables = (doc.elements ?? []).filter((e) => e.type === 'TABLE');
    expect(tables.length).toBeGreaterThan(0);
    expect(await page.locator('section.table').count()).toBe(tables.length);
    await expect.poll(() => page.locator('section.table').first().textContent()).toContain('Widget');

    // the fields: click one, its box is highlighted at its geometry, its value and confidence shown
    const custom = await stack.storage.readJson<{
      explainability_info: {
        OrderLines: Record<
          string,
          {
            value: unknown;
            confidence: number;
            geometry?: {
              page: number;
              boundingBox: Box;
            }[];
          }
        >[];
      }[];
    }>(segment.custom_output_path!);
    // doubtful fields stand out: exactly the rows under 0.5 or not grounded
    const all = await page.$$eval('table.fields tr[data-field]', (rows) =>
      rows.map((r) => [r.getAttribute('data-field'), r.classList.contains('low')] as const),
    );
    expect(all.length).toBeGreaterThan(10);
    const pageTitle = (
      custom.explainability_info[0] as unknown as Record<string, { confidence: number; success: boolean }>
    ).PageTitle;
    expect(all.find(([f]) => f === 'PageTitle')?.[1]).toBe(!pageTitle.success || pageTitle.confidence < 0.5);
    expect(all.filter(([f]) => f?.startsWith('OrderLines')).every(([, low]) => !low)).toBe(true);
    const line = custom.explainability_info[0].OrderLines[0];
    expect(line.Item.value).toBe('Widget A0');
    const g = line.Item.geometry![0];
    await page.click('tr[data-field="OrderLines[0].Item"]');
    const selected = page.locator('rect.selected');
    await expect.poll(() => selected.count()).toBe(1);
    expect(await selected.getAttribute('data-id')).toBe('field:OrderLines[0].Item:0');
    expect(await selected.evaluate((el) => el.closest('figure')!.getAttribute('data-page'))).toBe(String(g.page - 1));
    expectSameBox(await drawnBox(page, 'rect.selected'), g.boundingBox, 'OrderLines[0].Item');
    expect(await page.locator('[data-testid=picked]').textContent()).toContain('Widget A0');
    await page.screenshot({ path: path.join(SHOTS, 'document.png'), fullPage: false });

    // a click on a drawn box shows its text and confidence
    const first = onFirst[0];
    await page.click(`rect[data-id="${first.id}"]`, { force: true });
    expect(await page.locator('[data-testid=picked]').textContent()).toMatch(/confidence/);

    // the jobs list has it, and opens it
    await page.goto(`${api.url}/console/#/jobs`);
    await page.waitForSelector(`tr[data-job="${jobId}"]`, { timeout: 30_000 });
    expect(await page.locator(`tr[data-job="${jobId}"] .status`).textContent()).toBe('Success');
    await page.screenshot({ path: path.join(SHOTS, 'jobs.png') });
  }, 300_000);
});

/** What the test reads and sets of an <audio>/<video> element (the Node typings have no DOM). */
type Player = { currentTime: number; readyState: number; muted: boolean; pause(): void; play(): Promise<void> };

describe('images in the console', () => {
  it('runs samples/sample.png as an IMAGE and draws its detected text lines where result.json puts them', async () => {
    await page.goto(`${api.url}/console/#/run`);
    await page.waitForSelector('input[name=blueprint]');
    await page.setInputFiles('input[type=file]', 'samples/sample.png');
    await page.click('form.run button[type=submit]');
    await page.waitForURL(/#\/jobs\//);
    const jobId = new URL(page.url()).hash.split('/').pop()!;
    await page.waitForSelector('[data-status=Success]', { timeout: 240_000 });
    await page.waitForSelector('.asset[data-modality=IMAGE] figure.page[data-page="0"] svg');
    const { outputConfiguration } = (await (await fetch(`${api.url}/jobs/${jobId}`)).json()) as {
      outputConfiguration: { s3Uri: string };
    };
    const meta = await stack.storage.readJson<{
      output_metadata: { segment_metadata: { standard_output_path: string }[] }[];
    }>(outputConfiguration.s3Uri);
    const img = await stack.storage.readJson<ImageStandardOutput>(
      meta.output_metadata[0].segment_metadata[0].standard_output_path,
    );
    const lines = img.image.text_lines ?? [];
    expect(lines.length).toBeGreaterThan(0);
    await page.check('input[name=layer-line]');
    expect(await page.locator('rect[data-kind=line]').count()).toBe(lines.length);
    for (const l of lines)
      expectSameBox(await drawnBox(page, `rect[data-id="line:${l.id}"]`), l.locations[0].bounding_box!, l.text);
    await page.click(`rect[data-id="line:${lines[0].id}"]`, { force: true });
    expect(await page.locator('[data-testid=picked]').textContent()).toContain(lines[0].text);
    await page.screenshot({ path: path.join(SHOTS, 'image.png') });
  }, 300_000);
});

describe('recordings in the console', () => {
  it('plays sample.mp3 with its transcript (a word click seeks, the highlight follows the time) and puts sample.mp4 on a timeline', async () => {
    // both in one job, given by URI (a folder: every file under it), so they are processed side by side
    const folder = path.join(stack.root, 'recordings');
    await fs.mkdir(folder, { recursive: true });
    for (const f of ['sample.mp3', 'sample.mp4']) await fs.copyFile(path.join('samples', f), path.join(folder, f));
    // a project of the person's own, chosen in the Run view: the video's shots and chapters without its audio
    // track's transcript (the mp3 has one), which halves the job on a busy 2-core machine
    const project = await fetch(`${api.url}/data-automation-projects`, {
      method: 'PUT',
      body: JSON.stringify({
        projectName: 'console-recordings',
        standardOutputConfiguration: {
          audio: { extraction: { category: { state: 'ENABLED', types: ['TRANSCRIPT'] } } },
          video: {
            extraction: {
              category: { state: 'ENABLED', types: ['TEXT_DETECTION'] },
              boundingBox: { state: 'ENABLED' },
            },
          },
        },
      }),
    });
    const { projectArn } = (await project.json()) as { projectArn: string };
    await page.goto(`${api.url}/console/#/run`);
    await page.waitForSelector(`select[name=project] option[value="${projectArn}"]`, { state: 'attached' });
    await page.selectOption('select[name=project]', projectArn);
    await page.fill('input[name=uri]', pathToFileURL(folder).href);
    await page.click('form.run button[type=submit]');
    await page.waitForURL(/#\/jobs\//);
    const jobId = new URL(page.url()).hash.split('/').pop()!;
    await page.waitForSelector('[data-status=Success]', { timeout: 470_000 });
    await page.click('nav.assets button:has-text("sample.mp3")');
    await page.waitForSelector('.transcript .word').catch(async (e) => {
      await page.screenshot({ path: path.join(SHOTS, 'audio-failed.png') });
      throw e;
    });
    const words = page.locator('.transcript .word');
    expect(await words.count()).toBeGreaterThan(10);
    const audio = page.locator('audio');
    await expect.poll(() => audio.evaluate((a: Player) => a.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // a click on the fifth word seeks to its start and highlights it
    const fifth = words.nth(4);
    const start = Number(await fifth.getAttribute('data-start'));
    await fifth.click();
    await expect
      .poll(() => audio.evaluate((a: Player) => Math.round(a.currentTime * 1000)))
      .toBeGreaterThanOrEqual(start - 1);
    await audio.evaluate((a: Player) => a.pause());
    await expect.poll(() => page.locator('.word.current').first().getAttribute('data-start')).toBe(String(start));
    // the time moves on (set as the player would): the highlight follows to the word said then
    const later = words.nth(12);
    const laterStart = Number(await later.getAttribute('data-start'));
    await audio.evaluate((a: Player, ms: number) => {
      a.currentTime = ms / 1000 + 0.02;
    }, laterStart);
    await expect.poll(() => page.locator('.word.current').first().getAttribute('data-start')).toBe(String(laterStart));
    // and playing moves it by itself
    await audio.evaluate((a: Player) => {
      a.muted = true;
      return a.play();
    });
    await expect
      .poll(() => page.locator('.word.current').first().getAttribute('data-start').then(Number), { timeout: 10_000 })
      .toBeGreaterThan(laterStart);
    await audio.evaluate((a: Player) => a.pause());
    await page.screenshot({ path: path.join(SHOTS, 'audio.png') });

    // the video: its shots and chapters on the timeline, a chapter click seeks there
    await page.click('nav.assets button:has-text("sample.mp4")');
    await page.waitForSelector('.timeline .shots button');
    const { outputConfiguration } = (await (await fetch(`${api.url}/jobs/${jobId}`)).json()) as {
      outputConfiguration: { s3Uri: string };
    };
    const meta = await stack.storage.readJson<{
      output_metadata: { asset_input_path: { uri: string }; segment_metadata: { standard_output_path: string }[] }[];
    }>(outputConfiguration.s3Uri);
    const asset = meta.output_metadata.find((a) => a.asset_input_path.uri.endsWith('sample.mp4'))!;
    const video = await stack.storage.readJson<{ shots: unknown[]; chapters: { start_timestamp_millis: number }[] }>(
      asset.segment_metadata[0].standard_output_path,
    );
    expect(await page.locator('.timeline .shots button').count()).toBe(video.shots.length);
    expect(await page.locator('.timeline .chapters button').count()).toBe(video.chapters.length);
    const last = video.chapters.length - 1;
    await page.click(`.timeline .chapters button[data-chapter="${last}"]`);
    await expect
      .poll(() => page.locator('video').evaluate((v: Player) => Math.round(v.currentTime * 1000)))
      .toBeGreaterThanOrEqual(video.chapters[last].start_timestamp_millis - 1);
    await page.screenshot({ path: path.join(SHOTS, 'video.png') });
  }, 500_000);
});

describe('the console routes', () => {
  it('asks for a key when keys are configured, keeps it in a cookie, and refuses what is not the job’s', async () => {
    const keyed = await startApi(
      {
        config: {
          ...stack.config,
          api: { ...stack.config.api, dev: false, keys: { 'k-console': { tenant: 'default', secret: 'k-console' } }, consoleUploadMb: 1 },
        },
        client: stack.client,
        storage: stack.storage,
        controlPlane: handleControlPlane,
      },
      { host: '127.0.0.1', port: 0 },
    );
    try {
      const noKey = await fetch(`${keyed.url}/console/`);
      expect(noKey.status).toBe(401);
      expect(await noKey.text()).toContain('name="key"');
      expect((await fetch(`${keyed.url}/console/api/info`)).status).toBe(403);
      expect((await fetch(`${keyed.url}/console/?key=wrong`, { redirect: 'manual' })).status).toBe(401);
      const login = await fetch(`${keyed.url}/console/?key=k-console`, { redirect: 'manual' });
      expect(login.status).toBe(302);
      const cookie = login.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^quarry_key=k-console; Path=\/; HttpOnly; SameSite=Strict/);
      const headers = { cookie: cookie.split(';')[0] };
      const index = await fetch(`${keyed.url}/console/`, { headers });
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<div id="app">');
      const info = (await (await fetch(`${keyed.url}/console/api/info`, { headers })).json()) as {
        tenant: string;
        uploadLimitBytes: number;
      };
      expect(info).toMatchObject({ tenant: 'default', uploadLimitBytes: 1024 * 1024 });
      // uploads: over the limit refused, the name made safe, inside QUARRY_HOME
      const big = await fetch(`${keyed.url}/console/api/uploads?name=big.pdf`, {
        method: 'POST',
        headers,
        body: Buffer.alloc(2 * 1024 * 1024, 1),
      });
      expect(big.status).toBe(400);
      expect(((await big.json()) as { message: string }).message).toContain('upload limit of 1 MB');
      const up = await fetch(`${keyed.url}/console/api/uploads?name=${encodeURIComponent('../../etc/x y.pdf')}`, {
        method: 'POST',
        headers,
        body: '%PDF-1.4\n',
      });
      expect(up.status).toBe(201);
      const { uri } = (await up.json()) as { uri: string };
      expect(uri).toMatch(/\/console-inbox\/default\/[0-9a-f-]+\/x_y\.pdf$/);
      expect(uri.startsWith(`file://${stack.config.home}`)).toBe(true);
      // a job's files: only its outputs and inputs
      const r = await fetch(`${keyed.url}/jobs?status=Success&maxResults=1`, { headers });
      const [job] = ((await r.json()) as { jobs: { invocationArn: string }[] }).jobs;
      const jobId = job.invocationArn.split('/').pop();
      const foreign = await fetch(`${keyed.url}/console/api/jobs/${jobId}/object?uri=${encodeURIComponent(uri)}`, {
        headers,
      });
      expect(foreign.status).toBe(400);
      expect(((await foreign.json()) as { message: string }).message).toContain('neither an output nor an input');
      expect((await fetch(`${keyed.url}/console/api/jobs/no-such-job/object?uri=x`, { headers })).status).toBe(404);
    } finally {
      await keyed.close();
    }
  });
});
