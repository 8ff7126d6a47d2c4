import { describe, expect, it } from 'vitest';
import { documentBoxes, fieldBoxes, fieldsOf, tableRows, toPixels, webVtt } from '../../console/src/evidence.ts';
import { addField, editField, removeField } from '../../console/src/schema-fields.ts';
import type { DocumentStandardOutput } from '../../schemas/document-output.ts';

const box = (left: number, top: number) => ({ left, top, width: 0.1, height: 0.02 });

describe('what the console draws (console/src/evidence.ts)', () => {
  it('flattens custom output fields: groups, tables with row indices, geometry to 0-based pages; skips _row_confidence', () => {
    const custom = {
      explainability_info: [
        {
          Total: {
            success: true,
            confidence: 0.9,
            value: 12.5,
            type: 'number',
            geometry: [{ page: 2, boundingBox: box(0.5, 0.8) }],
          },
          Vendor: { Name: { success: false, confidence: 0.02, value: null, reason: 'not found' } },
          Lines: [
            {
              Item: { success: true, confidence: 0.7, value: 'A', geometry: [{ page: 1, boundingBox: box(0.1, 0.3) }] },
              _row_confidence: 0.7,
            },
          ],
          Said: { success: true, confidence: 0.8, value: 'x', start_timestamp_millis: 100, end_timestamp_millis: 900 },
        },
      ],
    };
    const fields = fieldsOf(custom);
    expect(fields.map((f) => f.path)).toEqual(['Total', 'Vendor.Name', 'Lines[0].Item', 'Said']);
    expect(fields[0].boxes).toEqual([{ page: 1, box: box(0.5, 0.8) }]);
    expect(fields[1]).toMatchObject({ success: false, reason: 'not found', boxes: [] });
    expect(fields[3]).toMatchObject({ startMs: 100, endMs: 900 });
    expect(fieldBoxes(fields).map((b) => [b.id, b.page, b.text])).toEqual([
      ['field:Total:0', 1, '12.5'],
      ['field:Lines[0].Item:0', 0, 'A'],
    ]);
    expect(fieldsOf(null)).toEqual([]);
  });

  it('collects element, table, line and word boxes with their page, text and confidence', () => {
    const doc = {
      elements: [
        {
          id: 'e1',
          type: 'TEXT',
          sub_type: 'TITLE',
          reading_order: 0,
          page_indices: [0],
          representation: { text: 'Hello' },
          locations: [{ page_index: 0, bounding_box: box(0.1, 0.1) }],
          confidence: 0.99,
        },
        {
          id: 't1',
          type: 'TABLE',
          reading_order: 1,
          page_indices: [0, 1],
          representation: { csv: 'a,b' },
          locations: [
            { page_index: 0, bounding_box: box(0.1, 0.5) },
            { page_index: 1, bounding_box: box(0.1, 0.1) },
          ],
        },
      ],
      text_lines: [
        {
          id: 'l1',
          text: 'Hello',
          reading_order: 0,
          page_index: 0,
          confidence: 0.9,
          locations: { page_index: 0, bounding_box: box(0.1, 0.1) },
        },
      ],
      text_words: [
        {
          id: 'w1',
          line_id: 'l1',
          text: 'Hello',
          reading_order: 0,
          page_index: 0,
          confidence: 0.9,
          locations: { page_index: 0, bounding_box: box(0.1, 0.1) },
        },
      ],
    } as unknown as DocumentStandardOutput;
    expect(documentBoxes(doc).map((b) => [b.id, b.kind, b.page, b.label])).toEqual([
      ['element:e1:0', 'element', 0, 'TITLE'],
      ['table:t1:0', 'table', 0, 'TABLE'],
      ['table:t1:1', 'table', 1, 'TABLE'],
      ['line:l1', 'line', 0, 'LINE'],
      ['word:w1', 'word', 0, 'WORD'],
    ]);
    expect(toPixels(box(0.25, 0.5), 800, 1000)).toEqual({ x: 200, y: 500, width: 80, height: 20 });
  });

  it('rows of a table from its grid, else from its CSV (quotes, commas, doubled quotes)', () => {
    const grid = {
      rows: 2,
      columns: 2,
      header_rows: 1,
      cells: [
        { row: 0, column: 0, row_span: 1, column_span: 1, text: 'Item', header: true },
        { row: 1, column: 1, row_span: 1, column_span: 1, text: '3', header: false },
      ],
    };
    expect(tableRows({ table_structure: grid })).toEqual([
      ['Item', ''],
      ['', '3'],
    ]);
    expect(tableRows({ representation: { csv: 'a,"b, c","say ""hi"""\n1,2,3' } })).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['1', '2', '3'],
    ]);
  });

  it('writes WebVTT captions from transcript segments, with the speaker as a voice', () => {
    expect(
      webVtt([
        {
          start_timestamp_millis: 1500,
          end_timestamp_millis: 3_723_250,
          text: 'a --> b',
          speaker: { speaker_label: 'spk_0' },
        },
      ]),
    ).toBe('WEBVTT\n\n00:00:01.500 --> 01:02:03.250\n<v spk_0>a → b\n');
  });
});

describe('the blueprint form (console/src/schema-fields.ts)', () => {
  const schema = JSON.stringify({
    class: 'X',
    definitions: { L: { properties: {} } },
    properties: {
      a: { type: 'string', inferenceType: 'explicit', instruction: 'A' },
      t: { type: 'array', items: { $ref: '#/definitions/L' } },
    },
  });
  it('edits, renames in place, adds and removes fields, keeping the rest of the schema', () => {
    const renamed = JSON.parse(editField(schema, 'a', { instruction: 'the A', inferenceType: 'inferred' }, 'b'));
    expect(Object.keys(renamed.properties)).toEqual(['b', 't']);
    expect(renamed.properties.b).toEqual({ type: 'string', inferenceType: 'inferred', instruction: 'the A' });
    expect(renamed.definitions).toEqual({ L: { properties: {} } });
    expect(() => editField(schema, 'a', {}, 't')).toThrow("a field named 't' already exists");
    const added = JSON.parse(addField(addField(schema)));
    expect(Object.keys(added.properties)).toEqual(['a', 't', 'field_1', 'field_2']);
    expect(Object.keys(JSON.parse(removeField(schema, 'a')).properties)).toEqual(['t']);
  });
});
