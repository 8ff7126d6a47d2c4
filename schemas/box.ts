/**
 * The one bounding box of every output: BDA's, normalised to the page or image (0..1, top-left origin), with
 * the conversions from the corner rectangles that the layout and OCR engines compute with. Pure.
 */
import { z } from 'zod';

export const BoundingBox = z.object({
  left: z.number().min(0).max(1),
  top: z.number().min(0).max(1),
  width: z.number().min(0).max(1),
  height: z.number().min(0).max(1),
});
export type BoundingBox = z.infer<typeof BoundingBox>;
/** What blueprints, evidence and readers of standard output call a box. */
export type Box = BoundingBox;

export const Point = z.object({ x: z.number(), y: z.number() });
export type Point = z.infer<typeof Point>;

/** A rectangle by its corners (x0,y0 top-left; x1,y1 bottom-right), normalised: the engines' geometry. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

/** The output box of an engine rectangle, clamped to the page. */
export function boundingBoxOf(r: Rect): BoundingBox {
  const left = clamp(r.x0);
  const top = clamp(r.y0);
  return { left, top, width: clamp(clamp(r.x1) - left), height: clamp(clamp(r.y1) - top) };
}

/** BDA's 4-point polygon of a rectangle, clockwise from the top-left corner. */
export function polygonOf(r: Rect): Point[] {
  return [
    { x: r.x0, y: r.y0 },
    { x: r.x1, y: r.y0 },
    { x: r.x1, y: r.y1 },
    { x: r.x0, y: r.y1 },
  ];
}

/** The smallest box that holds them all. */
export function unionBox(boxes: readonly Box[]): Box {
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.left + b.width));
  const bottom = Math.max(...boxes.map((b) => b.top + b.height));
  return { left, top, width: right - left, height: bottom - top };
}
