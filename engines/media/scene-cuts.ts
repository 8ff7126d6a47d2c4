/**
 * Scene cuts of a video with ffmpeg's scene-change score, one fixed window of the timeline at a time (each its
 * own child process), reporting after every window, so a retry after a crash carries on at the next window
 * instead of decoding the whole video again. The windows do not depend on where a run was cut off, so a resumed
 * run finds exactly the cuts a clean run finds.
 */
import { runTool } from './run-tool.ts';

export interface SceneCut {
  ms: number;
  score: number;
}

/** What is reported after each window: the windows done and the cuts found in them ([ms, score] pairs). */
export interface SceneProgress {
  windows: number;
  cuts: [number, number][];
}

export interface SceneCutOptions {
  durationMs: number;
  fps: number;
  /** timeline per ffmpeg run (QUARRY_VIDEO_SCENE_WINDOW_MS), default one minute */
  windowMs?: number;
  /** scene-change score above which a frame starts a new shot */
  threshold?: number;
  /** where a previous attempt got to */
  resumeFrom?: SceneProgress;
  onProgress?: (p: SceneProgress) => void;
  signal?: AbortSignal;
  /** the ffmpeg program (QuarryConfig `tools`), default `ffmpeg` on the PATH */
  ffmpeg?: string;
}

/** The windows of a timeline: [start, end) in ms; the last one ends at the end of the video. */
export function sceneWindows(durationMs: number, windowMs: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s === 0 || s < durationMs; s += windowMs) out.push([s, Math.min(durationMs, s + windowMs)]);
  return out;
}

export async function detectSceneCuts(file: string, o: SceneCutOptions): Promise<SceneCut[]> {
  const windowMs = o.windowMs ?? 60_000;
  const windows = sceneWindows(o.durationMs, windowMs);
  const resumed = o.resumeFrom && o.resumeFrom.windows <= windows.length ? o.resumeFrom : undefined;
  const cuts: [number, number][] = resumed ? [...resumed.cuts] : [];
  // a frame's score compares it with the two before it: each run starts a little earlier and keeps only its own cuts
  const leadMs = Math.max(500, Math.ceil((3 * 1000) / (o.fps || 25)));
  for (let k = resumed?.windows ?? 0; k < windows.length; k++) {
    const [start, end] = windows[k];
    const last = k === windows.length - 1;
    const from = Math.max(0, start - leadMs);
    const args = ['-hide_banner', '-nostats', '-loglevel', 'error', '-ss', (from / 1000).toFixed(3)];
    if (!last) args.push('-t', ((end - from + leadMs) / 1000).toFixed(3));
    args.push(
      '-i',
      file,
      '-an',
      '-vf',
      `select='gt(scene,${o.threshold ?? 0.3})',metadata=print:file=-`,
      '-f',
      'null',
      '-',
    );
    // a hung decoder is killed after a generous budget for its window
    const { stdout } = await runTool(o.ffmpeg ?? 'ffmpeg', args, { signal: o.signal, timeoutMs: 5 * 60_000 + 10 * (end - start) });
    let pts: number | undefined;
    for (const line of stdout.toString('utf8').split('\n')) {
      const t = /pts_time:(-?[0-9.]+)/.exec(line);
      if (t) pts = Math.round(from + Number(t[1]) * 1000);
      const sc = /lavfi\.scene_score=([0-9.]+)/.exec(line);
      if (sc && pts !== undefined && pts >= start && (last || pts < end))
        cuts.push([pts, Math.round(Number(sc[1]) * 1e6) / 1e6]);
    }
    o.onProgress?.({ windows: k + 1, cuts: [...cuts] }); // a copy: the details are encoded later
  }
  return cuts.map(([ms, score]) => ({ ms, score }));
}
