/**
 * Frames of a video, as BDA's video output has them: a keyframe per shot (more in a long shot), each read with
 * the shared OCR engine and the image half's colour-text pass (TEXT_DETECTION), judged over BDA's moderation
 * categories by the shared vision engines — nsfwjs, CenterNet objects and the text read (CONTENT_MODERATION) —
 * and summarised by its colour histogram for chapter similarity. Each keyframe's reading is written to the
 * video's work area as soon as it is done, so a retry after a crash reads only the keyframes not yet written.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { frameSignature, SIGNATURE_HEIGHT, SIGNATURE_WIDTH } from '../../engines/media/frame-changes.ts';
import { extractFrame, extractSteadyFrame, type Keyframe } from '../../engines/media/keyframes.ts';
import { smpte } from '../../engines/media/shots.ts';
import type { OcrEngine } from '../../engines/ocr/engine.ts';
import { readImageText } from '../../engines/ocr/read-image-text.ts';
import { colourShares } from '../../engines/vision/colours.ts';
import { moderateImage } from '../../engines/vision/moderation.ts';
import { judgeModeration, reportedModeration, signalsFrom } from '../../engines/vision/moderation-signals.ts';
import { detectObjects } from '../../engines/vision/objects.ts';
import type { QuarryConfig } from '../../schemas/config.ts';
import type { FrameReading, VideoFrame } from '../../schemas/video-output.ts';

/** the most one keyframe's OCR may take */
export const FRAME_OCR_BUDGET_MS = 60_000;

export interface FrameWork {
  text: boolean;
  moderation: boolean;
  boxes: boolean;
}

/** Reads one keyframe of `file`: extracts it, then OCR and moderation as asked. */
export async function readKeyframe(
  file: string,
  kf: Keyframe,
  fps: number,
  want: FrameWork,
  ctx: { config: QuarryConfig; ocr?: OcrEngine; signal?: AbortSignal },
): Promise<FrameReading> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-frame-'));
  try {
    const png = path.join(tmp, 'frame.png');
    await extractFrame(file, kf.ms, png, { ffmpeg: ctx.config.tools.ffmpeg, signal: ctx.signal });
    const tiny = await sharp(png).resize(SIGNATURE_WIDTH, SIGNATURE_HEIGHT, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    const { hist } = frameSignature(tiny);
    const frame: VideoFrame = {
      shot_index: kf.shotIndex,
      timecode_smpte: smpte(kf.ms, fps),
      timestamp_millis: kf.ms,
      frame_index: kf.frameIndex,
    };
    const { threshold, model } = ctx.config.images.moderation;
    const nsfw = want.moderation ? moderateImage(png, threshold, model) : undefined;
    const objects = want.moderation ? detectObjects(png, ctx.config.images.objectScore) : undefined;
    let text: Awaited<ReturnType<typeof readImageText>> | undefined;
    let ocrNote: string | undefined;
    if ((want.text || want.moderation) && ctx.ocr) {
      // burned-in text is read on the shot's steady picture: what moves behind it is averaged away
      const steady = path.join(tmp, 'steady.png');
      await extractSteadyFrame(file, kf.steadyFromMs, kf.steadyToMs, steady, { ffmpeg: ctx.config.tools.ffmpeg, signal: ctx.signal });
      // a frame busy enough to keep the OCR going for minutes gives up its text, not the video
      const budget = AbortSignal.timeout(FRAME_OCR_BUDGET_MS);
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, budget]) : budget;
      try {
        text = await readImageText(steady, ctx.ocr, { psm: ctx.config.images.ocrPsm, boxes: want.boxes, signal });
      } catch (e) {
        if (ctx.signal?.aborted || !budget.aborted) throw e;
        ocrNote = `text not read: the OCR took longer than ${FRAME_OCR_BUDGET_MS / 1000} s on this frame`;
      }
    }
    if (want.text && text) {
      // a line of nothing but symbols is a speck of texture read as text ("°", "+"), not text
      const lines = text.lines.filter((l) => /[\p{L}\p{N}]/u.test(l.text));
      const kept = new Set(lines.map((l) => l.id));
      frame.text_lines = lines;
      frame.text_words = text.words.filter((w) => kept.has(w.line_id));
    }
    const found = await objects;
    if (nsfw) {
      const n = await nsfw;
      const judgements = judgeModeration(signalsFrom(n, found, text));
      frame.content_moderation = reportedModeration(judgements, threshold);
      frame.moderation_categories = judgements;
    }
    return {
      frame,
      objects: [...new Set((found?.objects ?? []).map((o) => o.label))],
      histogram: [...hist].map((v) => Math.round(v * 1e5) / 1e5),
      colours: colourShares(tiny).map((c) => c.colour),
      ...(text ? { ocr_engine: text.engine } : {}),
      ...(ocrNote ? { note: ocrNote } : {}),
    };
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
