/** The document options in effect: the request's StandardOutputConfiguration over BDA's defaults. */
import {
  type DocumentOutputConfiguration,
  defaultStandardOutputConfiguration,
} from '../../schemas/output-configuration.ts';
import type { TextFormat } from '../../engines/layout/render.ts';

export interface DocumentOptions {
  granularity: Set<'DOCUMENT' | 'PAGE' | 'ELEMENT' | 'WORD' | 'LINE'>;
  boundingBoxes: boolean;
  generative: boolean;
  formats: TextFormat[];
  additionalFiles: boolean;
}

export function documentOptions(cfg: DocumentOutputConfiguration | undefined, sync = false): DocumentOptions {
  const d = defaultStandardOutputConfiguration.document as Required<DocumentOutputConfiguration>;
  const extraction = cfg?.extraction ?? d.extraction;
  const outputFormat = cfg?.outputFormat ?? d.outputFormat;
  return {
    granularity: new Set(extraction?.granularity.types ?? ['PAGE', 'ELEMENT']),
    boundingBoxes: extraction?.boundingBox.state === 'ENABLED',
    generative: (cfg?.generativeField ?? d.generativeField)?.state === 'ENABLED',
    formats: (outputFormat?.textFormat.types ?? ['MARKDOWN']) as TextFormat[],
    additionalFiles: !sync && outputFormat?.additionalFileFormat.state === 'ENABLED',
  };
}
