import { z } from 'zod';

/** BDA StandardOutputConfiguration (reference §1.4), field for field. */
const State = z.enum(['ENABLED', 'DISABLED']);
const Toggle = z.object({ state: State });

export const DocumentOutputConfiguration = z.object({
  extraction: z
    .object({
      granularity: z.object({ types: z.array(z.enum(['DOCUMENT', 'PAGE', 'ELEMENT', 'WORD', 'LINE'])).min(1) }),
      boundingBox: Toggle,
    })
    .optional(),
  generativeField: Toggle.optional(),
  outputFormat: z
    .object({
      textFormat: z.object({ types: z.array(z.enum(['PLAIN_TEXT', 'MARKDOWN', 'HTML', 'CSV'])).min(1) }),
      additionalFileFormat: Toggle,
    })
    .optional(),
});
export type DocumentOutputConfiguration = z.infer<typeof DocumentOutputConfiguration>;

export const ImageOutputConfiguration = z.object({
  extraction: z
    .object({
      category: z.object({
        state: State,
        types: z.array(z.enum(['CONTENT_MODERATION', 'TEXT_DETECTION', 'LOGOS'])).optional(),
      }),
      boundingBox: Toggle,
    })
    .optional(),
  generativeField: z.object({ state: State, types: z.array(z.enum(['IMAGE_SUMMARY', 'IAB'])).optional() }).optional(),
});

export const VideoOutputConfiguration = z.object({
  extraction: z
    .object({
      category: z.object({
        state: State,
        types: z.array(z.enum(['CONTENT_MODERATION', 'TEXT_DETECTION', 'TRANSCRIPT', 'LOGOS'])).optional(),
      }),
      boundingBox: Toggle,
    })
    .optional(),
  generativeField: z
    .object({ state: State, types: z.array(z.enum(['VIDEO_SUMMARY', 'IAB', 'CHAPTER_SUMMARY'])).optional() })
    .optional(),
});

export const AudioOutputConfiguration = z.object({
  extraction: z
    .object({
      category: z.object({
        state: State,
        types: z.array(z.enum(['AUDIO_CONTENT_MODERATION', 'TRANSCRIPT', 'TOPIC_CONTENT_MODERATION'])).optional(),
        typeConfiguration: z
          .object({
            transcript: z
              .object({ speakerLabeling: Toggle.optional(), channelLabeling: Toggle.optional() })
              .optional(),
          })
          .optional(),
      }),
    })
    .optional(),
  generativeField: z
    .object({ state: State, types: z.array(z.enum(['AUDIO_SUMMARY', 'IAB', 'TOPIC_SUMMARY'])).optional() })
    .optional(),
});

export const StandardOutputConfiguration = z.object({
  document: DocumentOutputConfiguration.optional(),
  image: ImageOutputConfiguration.optional(),
  video: VideoOutputConfiguration.optional(),
  audio: AudioOutputConfiguration.optional(),
});
export type StandardOutputConfiguration = z.infer<typeof StandardOutputConfiguration>;

/** BDA's documented defaults (reference §1.4): used when a request names no project. */
export const defaultStandardOutputConfiguration: StandardOutputConfiguration = {
  document: {
    extraction: { granularity: { types: ['PAGE', 'ELEMENT'] }, boundingBox: { state: 'ENABLED' } },
    generativeField: { state: 'ENABLED' },
    outputFormat: { textFormat: { types: ['MARKDOWN'] }, additionalFileFormat: { state: 'DISABLED' } },
  },
  image: {
    extraction: { category: { state: 'ENABLED', types: ['TEXT_DETECTION', 'CONTENT_MODERATION'] }, boundingBox: { state: 'ENABLED' } },
    generativeField: { state: 'ENABLED', types: ['IMAGE_SUMMARY', 'IAB'] },
  },
  video: {
    extraction: {
      category: { state: 'ENABLED', types: ['TEXT_DETECTION', 'TRANSCRIPT', 'CONTENT_MODERATION'] },
      boundingBox: { state: 'ENABLED' },
    },
    generativeField: { state: 'ENABLED', types: ['VIDEO_SUMMARY', 'CHAPTER_SUMMARY', 'IAB'] },
  },
  audio: {
    extraction: {
      category: {
        state: 'ENABLED',
        types: ['TRANSCRIPT', 'AUDIO_CONTENT_MODERATION', 'TOPIC_CONTENT_MODERATION'],
        typeConfiguration: { transcript: { speakerLabeling: { state: 'ENABLED' }, channelLabeling: { state: 'DISABLED' } } },
      },
    },
    generativeField: { state: 'ENABLED', types: ['AUDIO_SUMMARY', 'TOPIC_SUMMARY', 'IAB'] },
  },
};

/** BDA's PII entity types (reference §1.5; Quarry detects the ones in engines/language/sensitive-data.ts). */
// biome-ignore format: a list
export const PiiEntityType = z.enum([
  'ALL', 'ADDRESS', 'AGE', 'NAME', 'EMAIL', 'PHONE', 'USERNAME', 'PASSWORD', 'DRIVER_ID', 'LICENSE_PLATE',
  'VEHICLE_IDENTIFICATION_NUMBER', 'CREDIT_DEBIT_CARD_CVV', 'CREDIT_DEBIT_CARD_EXPIRY', 'CREDIT_DEBIT_CARD_NUMBER', 'PIN',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'SWIFT_CODE', 'IP_ADDRESS', 'MAC_ADDRESS', 'URL', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY',
  'US_BANK_ACCOUNT_NUMBER', 'US_BANK_ROUTING_NUMBER', 'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', 'US_PASSPORT_NUMBER',
  'US_SOCIAL_SECURITY_NUMBER', 'CA_HEALTH_NUMBER', 'CA_SOCIAL_INSURANCE_NUMBER', 'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER', 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
]);
export type PiiEntityType = z.infer<typeof PiiEntityType>;

/** BDA SensitiveDataConfiguration: detect (and redact) PII in standard and/or custom output. */
export const SensitiveDataConfiguration = z.object({
  detectionMode: z.enum(['DETECTION', 'DETECTION_AND_REDACTION']),
  detectionScope: z.array(z.enum(['STANDARD', 'CUSTOM'])).min(1).max(2).optional(),
  piiEntitiesConfiguration: z
    .object({
      piiEntityTypes: z.array(PiiEntityType).min(1).max(32).optional(),
      redactionMaskMode: z.enum(['PII', 'ENTITY_TYPE']).optional(),
    })
    .optional(),
});
export type SensitiveDataConfiguration = z.infer<typeof SensitiveDataConfiguration>;

/** BDA OverrideConfiguration (reference §1.5), the parts Quarry honours. */
export const OverrideConfiguration = z.object({
  document: z
    .object({
      splitter: Toggle.optional(),
      modalityProcessing: Toggle.optional(),
      sensitiveDataConfiguration: SensitiveDataConfiguration.optional(),
    })
    .passthrough()
    .optional(),
  image: z.object({ modalityProcessing: Toggle.optional() }).passthrough().optional(),
  video: z.object({ modalityProcessing: Toggle.optional() }).passthrough().optional(),
  audio: z.object({ modalityProcessing: Toggle.optional() }).passthrough().optional(),
  modalityRouting: z
    .object({
      jpeg: z.enum(['IMAGE', 'DOCUMENT']).optional(),
      png: z.enum(['IMAGE', 'DOCUMENT']).optional(),
      mp4: z.enum(['VIDEO', 'AUDIO']).optional(),
      mov: z.enum(['VIDEO', 'AUDIO']).optional(),
    })
    .optional(),
});
export type OverrideConfiguration = z.infer<typeof OverrideConfiguration>;
