/**
 * The built web console (`console/dist/`, made by `npm run console:build` at setup) as static files under
 * `/console/`: the files themselves, `index.html` for every page path (the console routes in the browser), and
 * the page that asks for an API key when a request has none.
 */
import { promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build lands: beside the sources, whatever the working directory. */
export const CONSOLE_DIST = fileURLToPath(new URL('../console/dist/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

const security = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

/** Serves `/console/<rest>`: a built file, else index.html (a console page); 503 when the console is not built. */
export async function sendConsoleFile(res: ServerResponse, rest: string): Promise<void> {
  const wanted = path.resolve(CONSOLE_DIST, `.${path.posix.normalize(`/${rest}`)}`);
  const inside = wanted.startsWith(CONSOLE_DIST) && !rest.split('/').includes('..');
  const file = inside && /\.[a-z0-9]+$/i.test(wanted) ? wanted : path.join(CONSOLE_DIST, 'index.html');
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    if (file.endsWith('index.html'))
      return sendPage(
        res,
        503,
        'The console is not built',
        '<p>Run <code>npm run setup</code> (or <code>npm run console:build</code>) and reload.</p>',
      );
    return sendPage(res, 404, 'Not found', `<p>No such console file: <code>${escapeHtml(rest)}</code></p>`);
  }
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': types[path.extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...security,
  });
  res.end(body);
}

/** The page that asks for a key (a GET form: `/console/?key=…` sets the console's cookie). */
export function sendKeyForm(res: ServerResponse, message: string): void {
  sendPage(
    res,
    401,
    'Quarry console',
    `<p>${escapeHtml(message)}</p><form method="get" action="/console/"><label>API key <input name="key" type="password" autofocus></label> <button>Open the console</button></form>`,
  );
}

function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><body style="font:15px system-ui;margin:3em"><h1>${escapeHtml(title)}</h1>${body}</body>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...security,
  });
  res.end(html);
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
