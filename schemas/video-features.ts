/**
 * Which parts of the video standard output a request asked for (BDA StandardOutputConfiguration.video), and the
 * settings the video's audio track is transcribed with — derived from the video's own settings, never from the
 * request's audio settings. Pure.
 */
import { defaultStandardOutputConfiguration, type StandardOutputConfiguration } from './output-configuration.ts';

export interface VideoOutputFeatures {
  transcript: boolean;
  text: boolean;
  moderation: boolean;
  logos: boolean;
  boxes: boolean;
  videoSummary: boolean;
  chapterSummary: boolean;
  iab: boolean;
}

export function videoFeatures(config: StandardOutputConfiguration | undefined): VideoOutputFeatures {
  const video = config?.video ?? defaultStandardOutputConfiguration.video!;
  const cat = video.extraction?.category;
  const types = new Set(
    cat?.state === 'ENABLED' ? (cat.types ?? ['TEXT_DETECTION', 'TRANSCRIPT', 'CONTENT_MODERATION']) : [],
  );
  const gen = video.generativeField;
  const genTypes = new Set(gen?.state === 'ENABLED' ? (gen.types ?? ['VIDEO_SUMMARY', 'CHAPTER_SUMMARY', 'IAB']) : []);
  return {
    transcript: types.has('TRANSCRIPT'),
    text: types.has('TEXT_DETECTION'),
    moderation: types.has('CONTENT_MODERATION'),
    logos: types.has('LOGOS'),
    boxes: video.extraction?.boundingBox?.state !== 'DISABLED',
    videoSummary: genTypes.has('VIDEO_SUMMARY'),
    chapterSummary: genTypes.has('CHAPTER_SUMMARY'),
    iab: genTypes.has('IAB'),
  };
}

/**
 * The audio settings of a video's audio track: its transcript with speaker labels (BDA's video transcript is
 * `[spk_0]: …`), nothing else — no audio moderation, no audio summaries: the video's chapters and summary are
 * made from that transcript and the frames.
 */
export function audioTrackConfiguration(config: StandardOutputConfiguration | undefined): StandardOutputConfiguration {
  const { transcript } = videoFeatures(config);
  return {
    ...config,
    audio: {
      extraction: {
        category: {
          state: transcript ? 'ENABLED' : 'DISABLED',
          types: ['TRANSCRIPT'],
          typeConfiguration: { transcript: { speakerLabeling: { state: 'ENABLED' }, channelLabeling: { state: 'DISABLED' } } },
        },
      },
      generativeField: { state: 'DISABLED' },
    },
  };
}
