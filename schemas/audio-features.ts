/** Which parts of the audio standard output a request asked for (BDA StandardOutputConfiguration.audio). Pure. */
import {
  defaultStandardOutputConfiguration,
  type StandardOutputConfiguration,
} from './output-configuration.ts';

/** The parts of the audio standard output to produce. */
export interface AudioOutputFeatures {
  transcript: boolean;
  speakers: boolean;
  channels: boolean;
  audioModeration: boolean;
  topicModeration: boolean;
  audioSummary: boolean;
  topicSummary: boolean;
  iab: boolean;
}

export function audioFeatures(config: StandardOutputConfiguration | undefined): AudioOutputFeatures {
  const audio = config?.audio ?? defaultStandardOutputConfiguration.audio!;
  const cat = audio.extraction?.category;
  const catOn = cat?.state === 'ENABLED';
  const types = new Set(
    catOn ? (cat?.types ?? ['TRANSCRIPT', 'AUDIO_CONTENT_MODERATION', 'TOPIC_CONTENT_MODERATION']) : [],
  );
  const gen = audio.generativeField;
  const genTypes = new Set(gen?.state === 'ENABLED' ? (gen.types ?? ['AUDIO_SUMMARY', 'TOPIC_SUMMARY', 'IAB']) : []);
  const tc = cat?.typeConfiguration?.transcript;
  return {
    transcript: types.has('TRANSCRIPT'),
    speakers: types.has('TRANSCRIPT') && tc?.speakerLabeling?.state === 'ENABLED',
    channels: types.has('TRANSCRIPT') && tc?.channelLabeling?.state === 'ENABLED',
    audioModeration: types.has('AUDIO_CONTENT_MODERATION'),
    topicModeration: types.has('TOPIC_CONTENT_MODERATION'),
    audioSummary: genTypes.has('AUDIO_SUMMARY'),
    topicSummary: genTypes.has('TOPIC_SUMMARY'),
    iab: genTypes.has('IAB'),
  };
}
