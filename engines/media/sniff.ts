import type { Modality } from '../../schemas/modality.ts';
import type { OverrideConfiguration } from '../../schemas/output-configuration.ts';

/** A file type recognised from its first bytes (never from its name). */
export interface SniffedType {
  fileType: string;
  mediaType: string;
  /** BDA's default modality for this type; null = no pipeline handles it */
  modality: Modality | null;
  /** containers that hold audio, video or both: the prober decides with ffprobe */
  avContainer?: boolean;
}

const ascii = (b: Buffer, start: number, end: number) => b.subarray(start, end).toString('latin1');

/**
 * Recognises every type Quarry handles by magic bytes. `head` should be the first 64 KiB (enough to see a
 * DOCX's `word/` entries and an MP4's `ftyp` brand).
 */
export function sniffType(head: Buffer): SniffedType {
  const has = (sig: number[], at = 0) => sig.every((v, i) => head[at + i] === v);
  if (head.length === 0) return { fileType: 'EMPTY', mediaType: 'application/x-empty', modality: null };
  const pdfAt = head.subarray(0, 1024).indexOf('%PDF-');
  if (pdfAt >= 0) return { fileType: 'PDF', mediaType: 'application/pdf', modality: 'DOCUMENT' };
  if (has([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { fileType: 'PNG', mediaType: 'image/png', modality: 'IMAGE' };
  if (has([0xff, 0xd8, 0xff])) return { fileType: 'JPEG', mediaType: 'image/jpeg', modality: 'IMAGE' };
  if (has([0x49, 0x49, 0x2a, 0x00]) || has([0x4d, 0x4d, 0x00, 0x2a]))
    return { fileType: 'TIFF', mediaType: 'image/tiff', modality: 'DOCUMENT' };
  if (has([0x50, 0x4b, 0x03, 0x04])) {
    const text = head.toString('latin1');
    if (text.includes('word/')) {
      return {
        fileType: 'DOCX',
        mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        modality: 'DOCUMENT',
      };
    }
    return { fileType: 'ZIP', mediaType: 'application/zip', modality: null };
  }
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE')
    return { fileType: 'WAV', mediaType: 'audio/wav', modality: 'AUDIO' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 11) === 'AVI')
    return { fileType: 'AVI', mediaType: 'video/x-msvideo', modality: 'VIDEO' };
  if (ascii(head, 0, 4) === 'fLaC') return { fileType: 'FLAC', mediaType: 'audio/flac', modality: 'AUDIO' };
  if (ascii(head, 0, 5) === '#!AMR') return { fileType: 'AMR', mediaType: 'audio/amr', modality: 'AUDIO' };
  if (ascii(head, 0, 4) === 'OggS') {
    const video = head.includes(Buffer.from('\x80theora', 'latin1'));
    return video
      ? { fileType: 'OGG', mediaType: 'video/ogg', modality: 'VIDEO' }
      : { fileType: 'OGG', mediaType: 'audio/ogg', modality: 'AUDIO' };
  }
  if (has([0x1a, 0x45, 0xdf, 0xa3])) {
    const webm = head.subarray(0, 64).includes(Buffer.from('webm'));
    return webm
      ? { fileType: 'WEBM', mediaType: 'video/webm', modality: 'VIDEO', avContainer: true }
      : { fileType: 'MKV', mediaType: 'video/x-matroska', modality: 'VIDEO', avContainer: true };
  }
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand === 'qt  ')
      return { fileType: 'MOV', mediaType: 'video/quicktime', modality: 'VIDEO', avContainer: true };
    if (brand.startsWith('M4A') || brand.startsWith('M4B'))
      return { fileType: 'M4A', mediaType: 'audio/mp4', modality: 'AUDIO' };
    return { fileType: 'MP4', mediaType: 'video/mp4', modality: 'VIDEO', avContainer: true };
  }
  if (ascii(head, 0, 3) === 'ID3') return { fileType: 'MP3', mediaType: 'audio/mpeg', modality: 'AUDIO' };
  if (head[0] === 0xff && (head[1] & 0xf6) === 0xf0)
    return { fileType: 'AAC', mediaType: 'audio/aac', modality: 'AUDIO' };
  if (head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0)
    return { fileType: 'MP3', mediaType: 'audio/mpeg', modality: 'AUDIO' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')
    return { fileType: 'GIF', mediaType: 'image/gif', modality: 'IMAGE' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP')
    return { fileType: 'WEBP', mediaType: 'image/webp', modality: 'IMAGE' };
  if (ascii(head, 0, 2) === 'BM') return { fileType: 'BMP', mediaType: 'image/bmp', modality: null };
  return { fileType: 'UNKNOWN', mediaType: 'application/octet-stream', modality: null };
}

/**
 * The modality a file is processed as: BDA's `modalityRouting` override first (jpeg/png/mp4/mov), then
 * what the content says (for audio/video containers, whether a video stream exists).
 */
export function routeModality(
  sniffed: SniffedType,
  routing: OverrideConfiguration['modalityRouting'] | undefined,
  hasVideoStream?: boolean,
): Modality | null {
  const key = ({ JPEG: 'jpeg', PNG: 'png', MP4: 'mp4', MOV: 'mov' } as const)[sniffed.fileType as 'JPEG'];
  const routed = key ? routing?.[key] : undefined;
  if (routed) return routed;
  if (sniffed.avContainer && hasVideoStream === false) return 'AUDIO';
  return sniffed.modality;
}

export const supportedTypesMessage =
  'supported types: PDF, TIFF, DOCX, PNG, JPEG (documents/images); GIF, WEBP (images, first frame); WAV, MP3, FLAC, OGG, AMR, M4A/AAC, WEBM (audio); MP4, MOV, AVI, MKV, WEBM (video)';
