/**
 * Assembles BDA's audio standard output from the stitched, labelled words, with extractive summaries (TextRank);
 * with a generative provider, the generative queue phrases them afresh (activities/summary/). Pure.
 */

import { SUMMARY_METHOD, summarize } from '../../engines/language/extractive-summary.ts';
import { IAB_METHOD, matchIabCategories } from '../../engines/language/iab-categories.ts';
import {
  MODERATION_CATEGORIES,
  type ModerationScores,
  type TextModerator,
} from '../../engines/language/text-moderation.ts';
import { segmentTopics, TOPIC_METHOD } from '../../engines/language/topic-segmentation.ts';
import { buildSegments, type LabelledWord } from '../../engines/speech/transcript-segments.ts';
import type { AudioOutputFeatures } from '../../schemas/audio-features.ts';
import {
  type AudioStandardOutput,
  AudioStandardOutput as AudioStandardOutputSchema,
  type ContentModeration,
  type Topic,
} from '../../schemas/audio-output.ts';
import type { AudioFacts } from './audio-limits.ts';

export interface BuildAudioOutputInput {
  assetIndex: number;
  assetUri: string;
  facts: AudioFacts;
  words: LabelledWord[];
  language: string;
  features: AudioOutputFeatures;
  methods: { speechRecognition: string; voiceActivity: string; speakerLabeling?: string };
  speakerCount: number;
  chunks: number;
  moderator: TextModerator;
}

const s3Parts = (uri: string) => {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return m ? { s3_bucket: m[1], s3_key: m[2] } : {};
};

function moderationEntry(
  id: string,
  type: ContentModeration['type'],
  scores: ModerationScores,
  startMs: number,
  endMs: number,
) {
  const cats = MODERATION_CATEGORIES.map((category) => ({ category, confidence: scores[category] }));
  return {
    id,
    type,
    confidence: Math.max(...cats.map((c) => c.confidence)),
    start_timestamp_millis: startMs,
    end_timestamp_millis: endMs,
    moderation_categories: cats,
  };
}

/** The extractive summary; the generative queue may phrase it afresh (activities/summary/). */
function summarise(sentences: string[], maxWords: number): { text: string; method: string } {
  if (!sentences.length) return { text: '', method: SUMMARY_METHOD };
  return {
    text: summarize(
      sentences.map((text) => ({ text })),
      { maxWords },
    ).text,
    method: SUMMARY_METHOD,
  };
}

export async function buildAudioOutput(i: BuildAudioOutputInput): Promise<AudioStandardOutput> {
  const f = i.features;
  const { items, segments } = buildSegments(i.words, {
    pauseMs: 1500,
    maxWords: 40,
    language: i.language,
    speakers: f.speakers,
    channels: f.channels,
  });
  const text = segments
    .map((s) => (f.speakers && s.speaker ? `[${s.speaker.speaker_label}]: ${s.text}` : s.text))
    .join('\n');
  const plain = segments.map((s) => s.text);

  const spans = segmentTopics(
    segments.map((s) => ({ text: s.text, startMs: s.start_timestamp_millis, endMs: s.end_timestamp_millis })),
  );
  const topics: Topic[] = [];
  let summaryMethod: string | undefined;
  for (const [k, span] of spans.entries()) {
    const segTexts = plain.slice(span.first, span.last + 1);
    const topic: Topic = {
      topic_index: k,
      start_timestamp_millis: span.startMs,
      end_timestamp_millis: span.endMs,
      transcript: { representation: { text: segTexts.join(' ') } },
      audio_segment_indices: Array.from({ length: span.last - span.first + 1 }, (_, j) => span.first + j),
    };
    if (f.topicSummary) {
      const s = summarise(segTexts, 60);
      topic.summary = s.text;
      summaryMethod = s.method;
    }
    if (f.iab) topic.iab_categories = matchIabCategories(segTexts.join(' '), { limit: 3 });
    topics.push(topic);
  }

  const moderation: ContentModeration[] = [];
  if (f.audioModeration && segments.length) {
    const scores = await i.moderator.classify(plain);
    segments.forEach((s, k) => {
      moderation.push({
        ...moderationEntry(
          `audio-moderation-${k}`,
          'AUDIO_MODERATION',
          scores[k],
          s.start_timestamp_millis,
          s.end_timestamp_millis,
        ),
        audio_segment_indices: [k],
      });
    });
  }
  if (f.topicModeration && topics.length) {
    const scores = await i.moderator.classify(topics.map((t) => t.transcript.representation.text));
    topics.forEach((t, k) => {
      moderation.push({
        ...moderationEntry(
          `topic-moderation-${k}`,
          'TOPIC_MODERATION',
          scores[k],
          t.start_timestamp_millis,
          t.end_timestamp_millis,
        ),
        topic_index: k,
      });
    });
  }

  let summary: string | undefined;
  if (f.audioSummary) {
    const s = summarise(plain, 250);
    summary = s.text;
    summaryMethod = s.method;
  }
  const lang = i.language.toUpperCase();
  const out: AudioStandardOutput = {
    metadata: {
      asset_id: String(i.assetIndex),
      semantic_modality: 'AUDIO',
      ...s3Parts(i.assetUri),
      ...(i.assetUri.startsWith('s3://') ? {} : { uri: i.assetUri }),
      sample_rate: i.facts.sampleRate,
      bitrate: i.facts.bitrate,
      number_of_channels: Math.min(2, Math.max(1, i.facts.channels)),
      codec: i.facts.codec,
      duration_millis: i.facts.durationMs,
      format: i.facts.format,
      dominant_asset_language: lang,
      generative_output_language: `DEFAULT/${lang}`,
    },
    audio: {
      ...(summary !== undefined ? { summary } : {}),
      ...(f.transcript ? { transcript: { representation: { text } } } : {}),
      ...(f.iab ? { iab_categories: matchIabCategories(plain.join(' ')) } : {}),
    },
    audio_items: f.transcript ? items : [],
    audio_segments: f.transcript ? segments : [],
    ...(f.audioModeration || f.topicModeration ? { content_moderation: moderation } : {}),
    topics,
    statistics: {
      word_count: items.length,
      topic_count: topics.length,
      speaker_count: f.speakers
        ? new Set(segments.map((s) => s.speaker?.speaker_label).filter(Boolean)).size
        : undefined,
      segment_count: segments.length,
    },
    quarry: {
      speech_recognition: i.methods.speechRecognition,
      voice_activity: i.methods.voiceActivity,
      ...(f.speakers && i.methods.speakerLabeling ? { speaker_labeling: i.methods.speakerLabeling } : {}),
      topic_segmentation: TOPIC_METHOD,
      ...(summaryMethod ? { summary: summaryMethod } : {}),
      ...(f.audioModeration || f.topicModeration ? { moderation: i.moderator.name } : {}),
      ...(f.iab ? { iab: IAB_METHOD } : {}),
      chunks: i.chunks,
    },
  };
  return AudioStandardOutputSchema.parse(out);
}
