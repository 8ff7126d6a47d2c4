/** The web console: run a file, look at what Quarry found, shape blueprints. Routes live in the URL's hash. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { BlueprintView, BlueprintsView } from './blueprints-view.tsx';
import { JobView } from './job-view.tsx';
import { JobsView } from './jobs-view.tsx';
import { RunView } from './run-view.tsx';
import './style.css';

function useHash(): string[] {
  const parts = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(parts);
  useEffect(() => {
    const on = () => setRoute(parts());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function App() {
  const [section, id] = useHash();
  const page =
    section === 'jobs' && id ? (
      <JobView key={id} jobId={id} />
    ) : section === 'jobs' ? (
      <JobsView />
    ) : section === 'blueprints' && id ? (
      <BlueprintView key={id} arn={id} />
    ) : section === 'blueprints' ? (
      <BlueprintsView />
    ) : (
      <RunView />
    );
  const nav = (href: string, label: string, active: boolean) => (
    <a href={href} class={active ? 'active' : ''}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <strong>Quarry</strong>
        <nav>
          {nav('#/run', 'Run a file', !section || section === 'run')}
          {nav('#/jobs', 'Jobs', section === 'jobs')}
          {nav('#/blueprints', 'Blueprints', section === 'blueprints')}
        </nav>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
