/** Jobs: the tenant's jobs, newest first, filtered by status; each opens its job page. */
import { useEffect, useState } from 'preact/hooks';
import { get, jobIdOf } from './api.ts';

interface JobSummary {
  invocationArn: string;
  status: string;
  modality?: string;
  startTime?: string;
  closeTime?: string;
}

const STATUSES = ['Created', 'InProgress', 'Success', 'ServiceError', 'ClientError'];

export function JobsView() {
  const [status, setStatus] = useState('');
  const [jobs, setJobs] = useState<JobSummary[]>();
  const [error, setError] = useState('');
  useEffect(() => {
    let stop = false;
    const load = () =>
      get<{ jobs: JobSummary[] }>(`/jobs?maxResults=100${status ? `&status=${status}` : ''}`).then(
        (r) => {
          if (stop) return;
          setJobs(r.jobs);
          setError('');
        },
        (e) => {
          if (!stop) setError(String(e.message ?? e));
        },
      );
    load();
    const timer = setInterval(load, 3000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [status]);
  return (
    <section>
      <h1>Jobs</h1>
      <label>
        status{' '}
        <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </label>
      {error && <p class="error">{error}</p>}
      {jobs && jobs.length === 0 && <p>No jobs yet (a job just submitted appears within a few seconds).</p>}
      <table class="jobs">
        <thead>
          <tr>
            <th>job</th>
            <th>status</th>
            <th>modality</th>
            <th>started</th>
            <th>finished</th>
          </tr>
        </thead>
        <tbody>
          {(jobs ?? []).map((j) => {
            const id = jobIdOf(j.invocationArn);
            return (
              <tr data-job={id}>
                <td>
                  <a href={`#/jobs/${id}`}>{id}</a>
                </td>
                <td class={`status ${j.status}`}>{j.status}</td>
                <td>{j.modality ?? '–'}</td>
                <td>{j.startTime?.replace('T', ' ').slice(0, 19) ?? ''}</td>
                <td>{j.closeTime?.replace('T', ' ').slice(0, 19) ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
