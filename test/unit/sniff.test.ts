import { describe, expect, it } from 'vitest';
import { routeModality, sniffType } from '../../engines/media/sniff.ts';

const b = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffType (magic bytes, not extensions)', () => {
  it.each([
    [b('%PDF-1.7\n'), 'PDF', 'DOCUMENT'],
    [b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'PNG', 'IMAGE'],
    [b([0xff, 0xd8, 0xff, 0xe0]), 'JPEG', 'IMAGE'],
    [b('II*\0'), 'TIFF', 'DOCUMENT'],
    [b('PK\x03\x04', 'xxxx[Content_Types].xml....word/document.xml'), 'DOCX', 'DOCUMENT'],
    [b('PK\x03\x04', 'xxxx whatever.txt'), 'ZIP', null],
    [b('RIFF\0\0\0\0WAVEfmt '), 'WAV', 'AUDIO'],
    [b('fLaC'), 'FLAC', 'AUDIO'],
    [b('#!AMR\n'), 'AMR', 'AUDIO'],
    [b('OggS\0\x02', '....vorbis'), 'OGG', 'AUDIO'],
    [b('ID3\x04'), 'MP3', 'AUDIO'],
    [b([0xff, 0xfb, 0x90, 0x64]), 'MP3', 'AUDIO'],
    [b([0, 0, 0, 0x20], 'ftypisom'), 'MP4', 'VIDEO'],
    [b([0, 0, 0, 0x20], 'ftypM4A '), 'M4A', 'AUDIO'],
    [b([0, 0, 0, 0x14], 'ftypqt  '), 'MOV', 'VIDEO'],
    [b([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84], 'webm'), 'WEBM', 'VIDEO'],
    [b('GIF89a'), 'GIF', 'IMAGE'],
    [b('hello world'), 'UNKNOWN', null],
    [Buffer.alloc(0), 'EMPTY', null],
  ])('%#: recognises %s', (head, fileType, modality) => {
    const t = sniffType(head as Buffer);
    expect(t.fileType).toBe(fileType);
    expect(t.modality).toBe(modality);
  });
});

describe('routeModality', () => {
  const png = sniffType(b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const mp4 = sniffType(b([0, 0, 0, 0x20], 'ftypisom'));
  it('honours BDA modalityRouting', () => {
    expect(routeModality(png, { png: 'DOCUMENT' })).toBe('DOCUMENT');
    expect(routeModality(png, undefined)).toBe('IMAGE');
    expect(routeModality(mp4, { mp4: 'AUDIO' }, true)).toBe('AUDIO');
  });
  it('routes a container without a video stream to AUDIO', () => {
    expect(routeModality(mp4, undefined, false)).toBe('AUDIO');
    expect(routeModality(mp4, undefined, true)).toBe('VIDEO');
  });
});
