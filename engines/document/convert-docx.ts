/**
 * DOCX → PDF with LibreOffice headless (Debian libreoffice-writer-nogui), a separate process with its own
 * throw-away profile (-env:UserInstallation) so concurrent conversions never share state.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientError } from '../client-error.ts';
import { runTool, ToolError } from '../media/run-tool.ts';

export async function convertDocxToPdf(
  docxPath: string,
  signal?: AbortSignal,
  /** QUARRY_SOFFICE_BIN */
  bin = 'soffice',
): Promise<{ pdfPath: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-docx-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    const input = path.join(dir, 'input.docx');
    await fs.copyFile(docxPath, input);
    await runTool(
      bin,
      [
        `-env:UserInstallation=${pathToFileURL(path.join(dir, 'profile')).href}`,
        '--headless',
        '--norestore',
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        input,
      ],
      { signal, timeoutMs: 180_000, env: { ...process.env, HOME: dir } },
    );
    const pdfPath = path.join(dir, 'input.pdf');
    const st = await fs.stat(pdfPath).catch(() => undefined);
    if (!st?.size)
      throw clientError('InvalidInput', 'the DOCX file could not be converted (corrupt or not a Word document)');
    return { pdfPath, cleanup };
  } catch (e) {
    await cleanup();
    if (e instanceof ToolError && e.code === null && /ENOENT/.test(e.message)) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('LibreOffice (soffice) is not installed: run scripts/setup.sh (Debian libreoffice-writer-nogui)');
    throw e;
  }
}
