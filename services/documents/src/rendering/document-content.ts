import type { Content, Style } from 'pdfmake';
import type { DocDefinition } from './layout.ts';
import { toWinAnsi } from './win-ansi.ts';

type Styles = NonNullable<DocDefinition['styles']>;
/** What a node's `style` may hold in pdfmake: style names and style objects. */
type StyleReference = string | Style | Array<string | Style>;

const CONTAINERS = ['text', 'stack', 'columns', 'ul', 'ol'] as const;

/**
 * The properties a style reference stands for, later references winning as in pdfmake. `extends` is not
 * followed: no style of ours uses it, and a style that did would otherwise lose its parents silently.
 */
const styleProperties = (styles: Styles, reference: StyleReference): Style => {
  const merged: Style = {};
  for (const item of Array.isArray(reference) ? reference : [reference]) {
    const style = typeof item === 'string' ? styles[item] : item;
    if (style && 'extends' in style) throw new Error(`style ${String(item)}: extends is not supported`);
    Object.assign(merged, style);
  }
  return merged;
};

const prepareNode = (node: Content, styles: Styles | undefined): Content => {
  if (typeof node === 'string') return toWinAnsi(node);
  if (Array.isArray(node)) return node.map((child) => prepareNode(child, styles));
  if (typeof node !== 'object' || node === null) return node;
  const { style, ...own } = node as { style?: StyleReference };
  // The node's own properties override its styles, as in pdfmake.
  const copy: Record<string, unknown> =
    style === undefined ? own : styles ? { ...styleProperties(styles, style), ...own } : { ...node };
  for (const key of CONTAINERS) {
    if (key in copy) copy[key] = prepareNode(copy[key] as Content, styles);
  }
  if ('table' in copy && copy.table && typeof copy.table === 'object') {
    const table = copy.table as { body: Content[][] };
    copy.table = { ...table, body: table.body.map((row) => row.map((cell) => prepareNode(cell, styles))) };
  }
  return copy as unknown as Content;
};

/**
 * The document as pdfmake should get it, its content (footer included) copied in one pass:
 * - every text brought into WinAnsi (see win-ansi.ts); links and images are left alone;
 * - every named style replaced by its properties. pdfmake looks a named style up again for each of the ~20
 *   properties of every word it measures (walking the style stack, allocating a Set per style each time).
 *   Resolving them here gives byte-identical PDFs (tested) for 4-9 % less CPU (measured, median of 7 runs:
 *   confirmation 6.1 → 5.9 ms, customer details 7.7 → 7.0 ms, mission proposal 7.6 → 7.2 ms).
 */
export const prepareDocument = (
  doc: DocDefinition,
  /** false leaves the styles to pdfmake (the tests compare both). */
  { resolveStyles = true } = {},
): DocDefinition => {
  const styles = resolveStyles ? (doc.styles ?? {}) : undefined;
  const footer = doc.footer;
  return {
    ...doc,
    content: prepareNode(doc.content, styles),
    ...(typeof footer === 'function'
      ? {
          footer: (page: number, count: number, size: Parameters<typeof footer>[2]) => {
            const content = footer(page, count, size);
            return content ? prepareNode(content, styles) : content;
          },
        }
      : {}),
  };
};
