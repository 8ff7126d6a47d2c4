/**
 * Recordings: audio as a player with its transcript aligned word by word (click a word to seek; the word being
 * said is highlighted), speakers and topics; video as a player with its shots and chapters on a timeline.
 * Custom-output fields carry the time they were said: click one to hear it.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AudioStandardOutput } from '../../schemas/audio-output.ts';
import type { VideoStandardOutput } from '../../schemas/video-output.ts';
import { type FieldEvidence, fieldsOf, LOW_CONFIDENCE, webVtt } from './evidence.ts';

/** A captions track (a blob URL of WebVTT) from transcript segments, revoked when they change. */
function useCaptions(segments: Parameters<typeof webVtt>[0]): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!segments.length) return;
    const u = URL.createObjectURL(new Blob([webVtt(segments)], { type: 'text/vtt' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [segments]);
  return url;
}

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const pct = (c: number | undefined) => (c === undefined ? '–' : `${Math.round(c * 100)} %`);

function TimedFields({ fields, seek }: { fields: FieldEvidence[]; seek: (ms: number) => void }) {
  if (!fields.length) return null;
  return (
    <table class="fields">
      <thead>
        <tr>
          <th>field</th>
          <th>value</th>
          <th>confidence</th>
          <th>said at</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr
            data-field={f.path}
            class={!f.success || f.confidence < LOW_CONFIDENCE ? 'low' : ''}
            title={f.reason ?? ''}
            onClick={() => f.startMs !== undefined && seek(f.startMs)}
          >
            <td>{f.path}</td>
            <td>{f.value === null || f.value === undefined ? '—' : String(f.value)}</td>
            <td>{pct(f.confidence)}</td>
            <td>{f.startMs !== undefined ? clock(f.startMs) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AudioEvidence({ src, standard, custom }: { src: string; standard: unknown; custom: unknown }) {
  const audio = standard as AudioStandardOutput;
  const player = useRef<HTMLAudioElement>(null);
  const [now, setNow] = useState(0);
  const fields = useMemo(() => fieldsOf(custom), [custom]);
  const captions = useCaptions(audio.audio_segments);
  const seek = (ms: number) => {
    const p = player.current;
    if (!p) return;
    p.currentTime = ms / 1000;
    setNow(ms);
    void p.play().catch(() => {});
  };
  return (
    <div class="recording">
      <audio ref={player} controls src={src} onTimeUpdate={(e) => setNow(e.currentTarget.currentTime * 1000)}>
        <track kind="captions" label="transcript" srcLang="en" src={captions} default />
      </audio>
      {audio.audio.summary && <p class="summary">{audio.audio.summary}</p>}
      <div class="transcript">
        {audio.audio_segments.map((s) => (
          <p data-segment={s.segment_index}>
            <span class="speaker">
              {s.speaker?.speaker_label ?? ''} {clock(s.start_timestamp_millis)}
            </span>{' '}
            {s.audio_item_indices.map((i) => {
              const w = audio.audio_items[i];
              if (!w) return null;
              const current = now >= w.start_timestamp_millis && now < w.end_timestamp_millis;
              return (
                <>
                  <button
                    type="button"
                    class={`word ${current ? 'current' : ''} ${(w.confidence ?? 1) < LOW_CONFIDENCE ? 'low' : ''}`}
                    data-start={w.start_timestamp_millis}
                    data-end={w.end_timestamp_millis}
                    title={`${clock(w.start_timestamp_millis)} · ${pct(w.confidence)}`}
                    onClick={() => seek(w.start_timestamp_millis)}
                  >
                    {w.content}
                  </button>{' '}
                </>
              );
            })}
          </p>
        ))}
      </div>
      {!!audio.topics?.length && (
        <section>
          <h3>Topics</h3>
          <ol>
            {audio.topics.map((t) => (
              <li>
                <button type="button" class="link" onClick={() => seek(t.start_timestamp_millis)}>
                  {clock(t.start_timestamp_millis)}–{clock(t.end_timestamp_millis)}
                </button>{' '}
                {t.summary ?? t.transcript.representation.text.slice(0, 200)}
              </li>
            ))}
          </ol>
        </section>
      )}
      <TimedFields fields={fields} seek={seek} />
    </div>
  );
}

export function VideoEvidence({ src, standard, custom }: { src: string; standard: unknown; custom: unknown }) {
  const video = standard as VideoStandardOutput;
  const player = useRef<HTMLVideoElement>(null);
  const [now, setNow] = useState(0);
  const fields = useMemo(() => fieldsOf(custom), [custom]);
  const spoken = useMemo(() => video.chapters.flatMap((c) => c.audio_segments ?? []), [video]);
  const captions = useCaptions(spoken);
  const duration = Math.max(
    1,
    ...video.shots.map((s) => s.end_timestamp_millis),
    ...video.chapters.map((c) => c.end_timestamp_millis),
  );
  const seek = (ms: number) => {
    if (player.current) player.current.currentTime = ms / 1000;
    setNow(ms);
  };
  const bar = (start: number, end: number) => ({
    left: `${(start / duration) * 100}%`,
    width: `${((end - start) / duration) * 100}%`,
  });
  return (
    <div class="recording">
      <video ref={player} controls src={src} onTimeUpdate={(e) => setNow(e.currentTarget.currentTime * 1000)}>
        <track kind="captions" label="transcript" srcLang="en" src={captions} default />
      </video>
      <div class="timeline" title="shots (top) and chapters (bottom): click to seek">
        <div class="track shots">
          {video.shots.map((s) => (
            <button
              type="button"
              data-shot={s.shot_index}
              class={now >= s.start_timestamp_millis && now < s.end_timestamp_millis ? 'current' : ''}
              style={bar(s.start_timestamp_millis, s.end_timestamp_millis)}
              title={`shot ${s.shot_index} · ${clock(s.start_timestamp_millis)} · ${pct(s.confidence)}`}
              onClick={() => seek(s.start_timestamp_millis)}
            />
          ))}
        </div>
        <div class="track chapters">
          {video.chapters.map((c) => (
            <button
              type="button"
              data-chapter={c.chapter_index}
              class={now >= c.start_timestamp_millis && now < c.end_timestamp_millis ? 'current' : ''}
              style={bar(c.start_timestamp_millis, c.end_timestamp_millis)}
              title={`chapter ${c.chapter_index} · ${clock(c.start_timestamp_millis)}`}
              onClick={() => seek(c.start_timestamp_millis)}
            />
          ))}
        </div>
        <div class="cursor" style={{ left: `${(now / duration) * 100}%` }} />
      </div>
      {video.video.summary && <p class="summary">{video.video.summary}</p>}
      <ol class="chapters">
        {video.chapters.map((c) => (
          <li>
            <button type="button" class="link" onClick={() => seek(c.start_timestamp_millis)}>
              {clock(c.start_timestamp_millis)}–{clock(c.end_timestamp_millis)}
            </button>{' '}
            {c.summary ?? ''} {(c.audio_segments ?? []).map((a) => a.text).join(' ')}
            {(c.frames ?? []).some((f) => f.text_lines?.length) && (
              <small>
                {' '}
                · on screen: {(c.frames ?? []).flatMap((f) => (f.text_lines ?? []).map((l) => l.text)).join(' · ')}
              </small>
            )}
          </li>
        ))}
      </ol>
      <p class="note">
        {video.quarry_capabilities.not_generated.length
          ? `not produced: ${video.quarry_capabilities.not_generated.join(', ')}`
          : ''}
      </p>
      <TimedFields fields={fields} seek={seek} />
    </div>
  );
}
