import { z } from 'zod';

/** BDA's semantic modalities. */
export const Modality = z.enum(['DOCUMENT', 'IMAGE', 'AUDIO', 'VIDEO']);
export type Modality = z.infer<typeof Modality>;

/** One task queue per resource class (ARCHITECTURE.md): a 4-hour video never starves 1-page receipts. */
export const TaskQueue = {
  orchestration: 'quarry-orchestration',
  document: 'quarry-document',
  image: 'quarry-image',
  audio: 'quarry-audio',
  video: 'quarry-video',
  generative: 'quarry-generative',
  /** knowledge-base feeding: chunking and embeddings */
  knowledge: 'quarry-knowledge',
} as const;
export type TaskQueueName = (typeof TaskQueue)[keyof typeof TaskQueue];

export const modalityTaskQueue: Record<Modality, TaskQueueName> = {
  DOCUMENT: TaskQueue.document,
  IMAGE: TaskQueue.image,
  AUDIO: TaskQueue.audio,
  VIDEO: TaskQueue.video,
};
