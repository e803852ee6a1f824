import { inspect } from 'node:util';
import type { OutputItem } from '../protocol/kernel';

/** A value that knows how to show itself as notebook outputs (vendor mime plus fallbacks). */
export interface Displayable {
  toOutputItems(): OutputItem[];
}

const DISPLAY = Symbol.for('onnx-lab.display');

export function displayable(items: () => OutputItem[]): Displayable {
  return { [DISPLAY]: true, toOutputItems: items } as Displayable;
}

export function isDisplayable(v: unknown): v is Displayable {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[DISPLAY] === true;
}

/** The outputs for a cell's completion value: rich when it can display itself, else text. */
export function outputsFor(value: unknown): OutputItem[] | undefined {
  if (value === undefined) return undefined;
  if (isDisplayable(value)) return value.toOutputItems();
  return [{ mime: 'text/plain', data: inspect(value, { depth: 4, maxArrayLength: 50, breakLength: 100 }) }];
}
