/**
 * A document's standard output under BDA's sensitive-data configuration (`overrideConfiguration.document
 * .sensitiveDataConfiguration`, scope STANDARD): the written result read back, its PII found — and masked with
 * DETECTION_AND_REDACTION — with the `sensitive_data` report added, and written again; the sentences the summary is
 * phrased from are masked too, so the summary cannot bring a value back.
 */
import type { StorageRouter } from '../../engines/storage/open-storage.ts';
import { applySensitiveData } from '../../engines/language/sensitive-data-output.ts';
import type { SensitiveDataConfiguration } from '../../schemas/output-configuration.ts';

export const appliesToStandardOutput = (c: SensitiveDataConfiguration | undefined): c is SensitiveDataConfiguration =>
  !!c && (c.detectionScope ?? ['STANDARD', 'CUSTOM']).includes('STANDARD');

export async function redactStandardOutput(
  storage: StorageRouter,
  uri: string,
  config: SensitiveDataConfiguration,
  summarySource?: string[],
): Promise<{ entities: number; summarySource?: string[] }> {
  const written = await storage.readJson<Record<string, unknown>>(uri);
  const { output, report } = applySensitiveData(written, config);
  await storage.writeJson(uri, { ...output, sensitive_data: report });
  const source =
    summarySource && config.detectionMode === 'DETECTION_AND_REDACTION'
      ? applySensitiveData({ text: summarySource }, config).output.text
      : summarySource;
  return { entities: report.entities.length, summarySource: source };
}
