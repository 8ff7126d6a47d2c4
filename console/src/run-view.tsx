/** Run a file: drop or choose one (uploaded into the console's inbox) or name a URI, pick blueprints or a project, submit. */
import { useEffect, useState } from 'preact/hooks';
import { type ConsoleInfo, control, get, jobIdOf, runtime, upload } from './api.ts';

interface Summary {
  blueprintArn: string;
  blueprintName: string;
  blueprintStage?: string;
}
interface ProjectSummary {
  projectArn: string;
  projectName: string;
}

/** The console's own project: every granularity and box, so there is something to look at. */
const CONSOLE_PROJECT = {
  projectName: 'quarry-console',
  projectDescription: 'Standard output with every granularity and bounding box, for the web console',
  projectStage: 'LIVE',
  clientToken: 'quarry-console-1',
  standardOutputConfiguration: {
    document: {
      extraction: {
        granularity: { types: ['DOCUMENT', 'PAGE', 'ELEMENT', 'LINE', 'WORD'] },
        boundingBox: { state: 'ENABLED' },
      },
      generativeField: { state: 'ENABLED' },
      outputFormat: { textFormat: { types: ['MARKDOWN', 'CSV'] }, additionalFileFormat: { state: 'DISABLED' } },
    },
    image: {
      extraction: {
        category: { state: 'ENABLED', types: ['TEXT_DETECTION', 'CONTENT_MODERATION'] },
        boundingBox: { state: 'ENABLED' },
      },
      generativeField: { state: 'ENABLED', types: ['IMAGE_SUMMARY', 'IAB'] },
    },
    audio: {
      extraction: {
        category: {
          state: 'ENABLED',
          types: ['TRANSCRIPT', 'AUDIO_CONTENT_MODERATION', 'TOPIC_CONTENT_MODERATION'],
          typeConfiguration: {
            transcript: { speakerLabeling: { state: 'ENABLED' }, channelLabeling: { state: 'DISABLED' } },
          },
        },
      },
      generativeField: { state: 'ENABLED', types: ['AUDIO_SUMMARY', 'TOPIC_SUMMARY', 'IAB'] },
    },
    video: {
      extraction: {
        category: { state: 'ENABLED', types: ['TEXT_DETECTION', 'TRANSCRIPT', 'CONTENT_MODERATION'] },
        boundingBox: { state: 'ENABLED' },
      },
      generativeField: { state: 'ENABLED', types: ['VIDEO_SUMMARY', 'CHAPTER_SUMMARY', 'IAB'] },
    },
  },
};

export function RunView() {
  const [info, setInfo] = useState<ConsoleInfo>();
  const [file, setFile] = useState<File>();
  const [uri, setUri] = useState('');
  const [out, setOut] = useState('');
  const [blueprints, setBlueprints] = useState<Summary[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [projects, setProjects] = useState<ProjectSummary[]>([]);
  const [project, setProject] = useState('');
  const [as, setAs] = useState('');
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');

  useEffect(() => {
    get<ConsoleInfo>('/console/api/info').then(
      (i) => {
        setInfo(i);
        setOut(i.outputUri);
      },
      (e) => setError(String(e)),
    );
    Promise.all([
      control<{ blueprints: Summary[] }>('POST', '/blueprints', {}),
      control<{ blueprints: Summary[] }>('POST', '/blueprints', { resourceOwner: 'SERVICE' }),
      control<{ projects: ProjectSummary[] }>('POST', '/data-automation-projects', {}),
    ]).then(
      ([own, catalog, p]) => {
        // a blueprint with both stages is listed once (a run without a stage reads LIVE when it exists)
        const seen = new Set<string>();
        setBlueprints(
          [...own.blueprints, ...catalog.blueprints].filter(
            (b) => !seen.has(b.blueprintArn) && !!seen.add(b.blueprintArn),
          ),
        );
        setProjects(p.projects.filter((x) => x.projectName !== CONSOLE_PROJECT.projectName));
      },
      (e) => setError(String(e)),
    );
  }, []);

  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    try {
      if (!file && !uri.trim()) throw new Error('choose a file or give an s3:// or file:// URI');
      let input = uri.trim();
      if (file) {
        if (info && file.size > info.uploadLimitBytes)
          throw new Error(
            `the file is larger than the upload limit (${Math.round(info.uploadLimitBytes / 1048576)} MB)`,
          );
        setBusy(`uploading ${file.name}…`);
        input = (await upload(file)).uri;
      }
      setBusy('submitting…');
      const projectArn =
        project ||
        (await control<{ projectArn: string }>('PUT', '/data-automation-projects', CONSOLE_PROJECT)).projectArn;
      const routing =
        as === 'DOCUMENT' || as === 'IMAGE' ? { png: as, jpeg: as } : as ? { mp4: as, mov: as } : undefined;
      const { invocationArn } = await runtime<{ invocationArn: string }>('InvokeDataAutomationAsync', {
        inputConfiguration: { s3Uri: input },
        outputConfiguration: { s3Uri: out },
        dataAutomationProfileArn: `arn:aws:bedrock:${info?.region ?? 'us-east-1'}:000000000000:data-automation-profile/us.data-automation-v1`,
        dataAutomationConfiguration: { dataAutomationProjectArn: projectArn },
        ...(chosen.length ? { blueprints: chosen.map((blueprintArn) => ({ blueprintArn })) } : {}),
        ...(routing ? { overrideConfiguration: { modalityRouting: routing } } : {}),
      });
      location.hash = `#/jobs/${jobIdOf(invocationArn)}`;
    } catch (err) {
      setError(String((err as Error).message ?? err));
    } finally {
      setBusy('');
    }
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const f = e.dataTransfer?.files[0];
    if (f) setFile(f);
  };
  return (
    <form class="run" onSubmit={submit}>
      <h1>Run a file</h1>
      <label class="drop" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        <span>
          {file
            ? `${file.name} (${Math.round(file.size / 1024)} KB)`
            : 'Drop a document, image, audio or video file here, or choose one'}
        </span>
        <input type="file" name="file" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0])} />
      </label>
      <label>
        or a URI{' '}
        <input
          name="uri"
          placeholder="s3://bucket/key or file:///path"
          value={uri}
          onInput={(e) => setUri(e.currentTarget.value)}
        />
      </label>
      <label>
        output location <input name="out" value={out} onInput={(e) => setOut(e.currentTarget.value)} />
      </label>
      <label>
        project{' '}
        <select name="project" value={project} onChange={(e) => setProject(e.currentTarget.value)}>
          <option value="">console default (every granularity, boxes)</option>
          {projects.map((p) => (
            <option value={p.projectArn}>{p.projectName}</option>
          ))}
        </select>
      </label>
      <label>
        PNG/JPEG or MP4/MOV as{' '}
        <select name="as" value={as} onChange={(e) => setAs(e.currentTarget.value)}>
          <option value="">detected type</option>
          <option value="DOCUMENT">document</option>
          <option value="IMAGE">image</option>
          <option value="AUDIO">audio</option>
          <option value="VIDEO">video</option>
        </select>
      </label>
      <fieldset>
        <legend>Blueprints (custom output)</legend>
        <div class="choices">
          {blueprints.map((b) => (
            <label>
              <input
                type="checkbox"
                name="blueprint"
                value={b.blueprintArn}
                checked={chosen.includes(b.blueprintArn)}
                onChange={(e) =>
                  setChosen(
                    e.currentTarget.checked ? [...chosen, b.blueprintArn] : chosen.filter((x) => x !== b.blueprintArn),
                  )
                }
              />{' '}
              {b.blueprintName.replace(/^bedrock-data-automation-public-/, '')}
            </label>
          ))}
        </div>
      </fieldset>
      <button type="submit" disabled={!!busy}>
        {busy || 'Run'}
      </button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
