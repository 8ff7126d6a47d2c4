/**
 * One job: its status and live progress (each asset's phase) until it ends, then its assets — each one's evidence
 * (pages with boxes, a player with the transcript, a timeline) — and links to download every output.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, objectUrl, readJson } from './api.ts';
import { AudioEvidence, VideoEvidence } from './media-evidence.tsx';
import { PageEvidence } from './page-evidence.tsx';

interface Detail {
  jobId: string;
  status: string;
  errorType?: string;
  errorMessage?: string;
  outputConfiguration: { s3Uri: string };
  jobSubmissionTime?: string;
  jobDurationInSeconds?: number;
  progress?: {
    totalAssets: number | null;
    finishedAssets: number;
    failedAssets: number;
    runningAssets: { assetIndex: number; uri: string; phase: string }[];
  };
}

export interface AssetMetadata {
  asset_id: number;
  asset_input_path: { uri: string };
  asset_processing_status: string;
  error_type?: string;
  error_message?: string;
  semantic_modality?: string;
  segment_metadata: { standard_output_path: string; custom_output_path?: string; custom_output_status?: string }[];
}

const running = (s: string) => s === 'Created' || s === 'InProgress';
const PHASES = ['probing', 'waiting-for-slot', 'processing', 'shaping', 'done'];
const nameOf = (uri: string) => decodeURIComponent(uri.split('/').pop() ?? uri);

export function JobView({ jobId }: { jobId: string }) {
  const [detail, setDetail] = useState<Detail>();
  const [assets, setAssets] = useState<AssetMetadata[]>();
  const [chosen, setChosen] = useState(0);
  const [error, setError] = useState('');
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const d = await get<Detail>(`/jobs/${jobId}`);
        if (stop) return;
        setDetail(d);
        if (running(d.status)) timer = setTimeout(poll, 700);
        else {
          const meta = await readJson<{ output_metadata: AssetMetadata[] }>(jobId, d.outputConfiguration.s3Uri);
          if (!stop) setAssets(meta.output_metadata);
        }
      } catch (e) {
        if (!stop) setError(String((e as Error).message ?? e));
      }
    };
    poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  const p = detail?.progress;
  const asset = assets?.find((a) => a.asset_id === chosen) ?? assets?.[0];
  return (
    <section class="job">
      <h1>
        Job <code>{jobId}</code>{' '}
        <span class={`status ${detail?.status ?? ''}`} data-status={detail?.status}>
          {detail?.status ?? '…'}
        </span>
      </h1>
      {error && <p class="error">{error}</p>}
      {detail?.errorType && (
        <p class="error">
          {detail.errorType}: {detail.errorMessage}
        </p>
      )}
      {detail && running(detail.status) && (
        <div class="progress">
          <p>
            {p
              ? `${p.finishedAssets} of ${p.totalAssets ?? '?'} assets done, ${p.failedAssets} failed`
              : 'waiting for the job to start…'}
          </p>
          {p?.runningAssets.map((a) => (
            <div class="phase" data-asset={a.assetIndex}>
              <span>{nameOf(a.uri)}</span>
              <ol>
                {PHASES.map((ph) => (
                  <li class={ph === a.phase ? 'now' : PHASES.indexOf(ph) < PHASES.indexOf(a.phase) ? 'past' : ''}>
                    {ph}
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </div>
      )}
      {detail && !running(detail.status) && (
        <details class="downloads">
          <summary>Download outputs</summary>
          <ul>
            <li>
              <a href={objectUrl(jobId, detail.outputConfiguration.s3Uri, true)}>job_metadata.json</a>
            </li>
            {assets?.flatMap((a) =>
              a.segment_metadata.flatMap((s, i) => [
                <li>
                  <a href={objectUrl(jobId, s.standard_output_path, true)}>
                    {nameOf(a.asset_input_path.uri)} · standard output {i}
                  </a>
                </li>,
                s.custom_output_path && (
                  <li>
                    <a href={objectUrl(jobId, s.custom_output_path, true)}>
                      {nameOf(a.asset_input_path.uri)} · custom output {i}
                    </a>
                  </li>
                ),
              ]),
            )}
          </ul>
        </details>
      )}
      {assets && assets.length > 1 && (
        <nav class="assets">
          {assets.map((a) => (
            <button type="button" class={a === asset ? 'active' : ''} onClick={() => setChosen(a.asset_id)}>
              {nameOf(a.asset_input_path.uri)}{' '}
              <small class={`status ${a.asset_processing_status}`}>{a.asset_processing_status}</small>
            </button>
          ))}
        </nav>
      )}
      {asset && <AssetView key={asset.asset_id} jobId={jobId} asset={asset} />}
    </section>
  );
}

function AssetView({ jobId, asset }: { jobId: string; asset: AssetMetadata }) {
  const [segment, setSegment] = useState(0);
  const [standard, setStandard] = useState<unknown>();
  const [custom, setCustom] = useState<unknown>();
  const [error, setError] = useState('');
  const seg = asset.segment_metadata[segment];
  useEffect(() => {
    if (!seg) return;
    setStandard(undefined);
    setCustom(undefined);
    readJson(jobId, seg.standard_output_path).then(setStandard, (e) => setError(String(e.message ?? e)));
    if (seg.custom_output_path)
      readJson(jobId, seg.custom_output_path).then(setCustom, (e) => setError(String(e.message ?? e)));
  }, [jobId, seg?.standard_output_path]);
  if (asset.asset_processing_status !== 'Success')
    return (
      <p class="error">
        {nameOf(asset.asset_input_path.uri)}: {asset.error_type}: {asset.error_message}
      </p>
    );
  const modality = (standard as { metadata?: { semantic_modality?: string } } | undefined)?.metadata?.semantic_modality;
  const matched = (custom as { matched_blueprint?: { name?: string; confidence?: number } } | undefined)
    ?.matched_blueprint;
  return (
    <div class="asset" data-modality={modality}>
      <h2>
        {nameOf(asset.asset_input_path.uri)} <small>{modality}</small>
        {matched && (
          <small>
            {' '}
            · blueprint {matched.name} ({Math.round((matched.confidence ?? 0) * 100)} %)
          </small>
        )}
        {seg?.custom_output_status && !matched && <small> · custom output {seg.custom_output_status}</small>}
      </h2>
      {asset.segment_metadata.length > 1 && (
        <select value={segment} onChange={(e) => setSegment(Number(e.currentTarget.value))}>
          {asset.segment_metadata.map((_, i) => (
            <option value={i}>segment {i}</option>
          ))}
        </select>
      )}
      {error && <p class="error">{error}</p>}
      {standard !== undefined && (modality === 'DOCUMENT' || modality === 'IMAGE') && (
        <PageEvidence jobId={jobId} assetIndex={asset.asset_id} standard={standard} custom={custom} />
      )}
      {standard !== undefined && modality === 'AUDIO' && (
        <AudioEvidence src={objectUrl(jobId, asset.asset_input_path.uri)} standard={standard} custom={custom} />
      )}
      {standard !== undefined && modality === 'VIDEO' && (
        <VideoEvidence src={objectUrl(jobId, asset.asset_input_path.uri)} standard={standard} custom={custom} />
      )}
    </div>
  );
}
