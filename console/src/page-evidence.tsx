/**
 * Documents and images: each page as an image with the standard output's boxes (elements, tables, lines, words)
 * and the custom output's field boxes drawn over it in SVG. Click a box for its text and confidence; click a
 * field to jump to its box. Tables are rendered; doubtful fields stand out.
 */
import { useMemo, useState } from 'preact/hooks';
import type { DocumentStandardOutput, TableElement } from '../../schemas/document-output.ts';
import type { ImageStandardOutput } from '../../schemas/image-output.ts';
import { pageImageUrl } from './api.ts';
import {
  type BoxKind,
  type DrawnBox,
  documentBoxes,
  type FieldEvidence,
  fieldBoxes,
  fieldsOf,
  imageBoxes,
  LOW_CONFIDENCE,
  tableRows,
  toPixels,
} from './evidence.ts';

const KINDS: BoxKind[] = ['element', 'table', 'line', 'word', 'field'];
const pct = (c: number | undefined) => (c === undefined ? '–' : `${Math.round(c * 100)} %`);
const doubtful = (f: FieldEvidence) => !f.success || f.confidence < LOW_CONFIDENCE;
const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export function PageEvidence(props: { jobId: string; assetIndex: number; standard: unknown; custom: unknown }) {
  const isImage = (props.standard as ImageStandardOutput).metadata.semantic_modality === 'IMAGE';
  const doc = props.standard as DocumentStandardOutput;
  const img = props.standard as ImageStandardOutput;
  const fields = useMemo(() => fieldsOf(props.custom), [props.custom]);
  const boxes = useMemo(
    () => [...(isImage ? imageBoxes(img) : documentBoxes(doc)), ...fieldBoxes(fields)],
    [props.standard, fields],
  );
  const pages = isImage
    ? [0]
    : (doc.pages?.map((p) => p.page_index) ??
      Array.from(
        { length: doc.metadata.end_page_index - doc.metadata.start_page_index + 1 },
        (_, i) => doc.metadata.start_page_index + i,
      ));
  const [layers, setLayers] = useState<Record<BoxKind, boolean>>({
    element: true,
    table: true,
    line: isImage,
    word: false,
    field: true,
  });
  const [selected, setSelected] = useState<string>();
  const isSelected = (b: DrawnBox) => !!selected && (b.id === selected || b.id.startsWith(`${selected}:`));
  const picked = boxes.filter(isSelected);
  const lowIds = new Set(fields.filter(doubtful).map((f) => f.path));

  const chooseField = (f: FieldEvidence) => {
    setSelected(`field:${f.path}`);
    setLayers({ ...layers, field: true });
    const first = f.boxes[0];
    if (first) document.querySelector(`[data-page="${first.page}"]`)?.scrollIntoView({ block: 'center' });
  };
  const tables = (doc.elements ?? []).filter((e): e is TableElement => e.type === 'TABLE');

  return (
    <div class="evidence">
      <div class="pages">
        <div class="layers">
          {KINDS.map((k) => (
            <label>
              <input
                type="checkbox"
                name={`layer-${k}`}
                checked={layers[k]}
                onChange={(e) => setLayers({ ...layers, [k]: e.currentTarget.checked })}
              />{' '}
              {k}s ({boxes.filter((b) => b.kind === k).length})
            </label>
          ))}
        </div>
        {pages.map((p) => (
          <Page
            key={p}
            src={pageImageUrl(props.jobId, props.assetIndex, p)}
            page={p}
            boxes={boxes.filter((b) => b.page === p && layers[b.kind])}
            isSelected={isSelected}
            isLow={(b) => b.kind === 'field' && lowIds.has(b.label)}
            onPick={(b) => setSelected(b.kind === 'field' ? `field:${b.label}` : b.id)}
          />
        ))}
      </div>
      <aside>
        <div class="picked" data-testid="picked">
          {picked.length ? (
            <>
              <h3>
                {picked[0].kind} · {picked[0].label}
              </h3>
              <p class="text">{picked[0].text || '(no text)'}</p>
              <p>
                confidence <strong>{pct(picked[0].confidence)}</strong> · page {picked[0].page + 1}
              </p>
            </>
          ) : (
            <p>Click a box or a field.</p>
          )}
        </div>
        {fields.length > 0 && (
          <table class="fields">
            <thead>
              <tr>
                <th>field</th>
                <th>value</th>
                <th>confidence</th>
              </tr>
            </thead>
            <tbody>
              {fields.map((f) => (
                <tr
                  data-field={f.path}
                  class={`${doubtful(f) ? 'low' : ''} ${selected === `field:${f.path}` ? 'selected' : ''}`}
                  onClick={() => chooseField(f)}
                  title={f.reason ?? (f.engine ? `read by ${f.engine}` : '')}
                >
                  <td>{f.path}</td>
                  <td>{show(f.value)}</td>
                  <td>
                    <meter min={0} max={1} value={f.confidence} /> {pct(f.confidence)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!isImage && doc.document.summary && (
          <section>
            <h3>Summary</h3>
            <p>{doc.document.summary}</p>
          </section>
        )}
        {isImage && <ImageFacts img={img} />}
        {tables.map((t) => (
          <section class="table" data-table={t.id}>
            <h3>
              Table {t.title ? `· ${t.title}` : ''} (page {t.page_indices[0] + 1})
            </h3>
            <table>
              <tbody>
                {tableRows(t).map((row, r) => (
                  <tr>
                    {row.map((cell) => (r < (t.table_structure?.header_rows ?? 1) ? <th>{cell}</th> : <td>{cell}</td>))}
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </aside>
    </div>
  );
}

function ImageFacts({ img }: { img: ImageStandardOutput }) {
  const i = img.image;
  return (
    <section>
      {i.summary && <p>{i.summary}</p>}
      {!!i.content_moderation?.length && (
        <p>moderation: {i.content_moderation.map((m) => `${m.category} ${pct(m.confidence)}`).join(', ')}</p>
      )}
      {!!i.iab_categories?.length && <p>IAB: {i.iab_categories.map((c) => c.category).join(', ')}</p>}
    </section>
  );
}

function Page(props: {
  src: string;
  page: number;
  boxes: DrawnBox[];
  isSelected: (b: DrawnBox) => boolean;
  isLow: (b: DrawnBox) => boolean;
  onPick: (b: DrawnBox) => void;
}) {
  const [size, setSize] = useState<{ w: number; h: number }>();
  const [failed, setFailed] = useState(false);
  return (
    <figure class="page" data-page={props.page}>
      <div class="frame">
        <img
          src={props.src}
          alt={`page ${props.page + 1}`}
          loading="lazy"
          onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
          onError={() => setFailed(true)}
        />
        {size && (
          <svg viewBox={`0 0 ${size.w} ${size.h}`} preserveAspectRatio="none" data-width={size.w} data-height={size.h}>
            <title>boxes on page {props.page + 1}</title>
            {props.boxes.map((b) => {
              const r = toPixels(b.box, size.w, size.h);
              return (
                // biome-ignore lint/a11y/useSemanticElements: a box drawn in SVG cannot be an HTML <button>
                <rect
                  key={b.id}
                  data-id={b.id}
                  data-kind={b.kind}
                  class={`${b.kind} ${props.isSelected(b) ? 'selected' : ''} ${props.isLow(b) ? 'low' : ''}`}
                  x={r.x}
                  y={r.y}
                  width={r.width}
                  height={r.height}
                  role="button"
                  tabIndex={0}
                  onClick={() => props.onPick(b)}
                  onKeyDown={(e) => e.key === 'Enter' && props.onPick(b)}
                >
                  <title>
                    {b.label}: {b.text.slice(0, 120)} ({pct(b.confidence)})
                  </title>
                </rect>
              );
            })}
          </svg>
        )}
      </div>
      <figcaption class={failed ? 'error' : ''}>
        page {props.page + 1}
        {failed ? ': the page image could not be drawn' : ''}
      </figcaption>
    </figure>
  );
}
