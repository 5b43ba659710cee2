import type { Content } from 'pdfmake';
import { describe, expect, it } from 'vitest';
import { prepareDocument } from '../src/rendering/document-content.ts';
import type { DocDefinition } from '../src/rendering/layout.ts';

const styles = {
  label: { fontSize: 9.5, color: 'grey' },
  strong: { bold: true, color: 'black' },
  section: { fontSize: 11, margin: [0, 16, 0, 6] as [number, number, number, number] },
};
const prepare = (content: Content, footer?: DocDefinition['footer']) =>
  prepareDocument({ content, styles, ...(footer ? { footer } : {}) });

describe('document content handed to pdfmake', () => {
  it('replaces a named style by its properties, the node’s own winning', () => {
    expect(prepare({ text: 'Réf.', style: 'label', color: 'red' }).content).toEqual({
      text: 'Réf.',
      fontSize: 9.5,
      color: 'red',
    });
  });

  it('applies a list of styles in order, later ones winning, style objects included', () => {
    expect(prepare({ text: 'x', style: ['label', 'strong', { fontSize: 12 }] }).content).toEqual({
      text: 'x',
      fontSize: 12,
      color: 'black',
      bold: true,
    });
  });

  it('resolves styles and WinAnsi text at any depth: stacks, columns, tables, inline text and the footer', () => {
    const doc = prepare(
      {
        columns: [
          { stack: [{ text: 'Titre', style: 'section' }] },
          {
            table: {
              body: [[{ text: ['Le\u202f', { text: 'Łukasz', style: 'strong' }], style: 'label' }]],
            },
          },
        ],
      },
      () => ({ text: 'Page 1\u202f/\u202f1', style: 'label' }),
    );
    expect(doc.content).toEqual({
      columns: [
        { stack: [{ text: 'Titre', fontSize: 11, margin: [0, 16, 0, 6] }] },
        {
          table: {
            body: [
              [
                {
                  text: ['Le\u00a0', { text: 'Lukasz', bold: true, color: 'black' }],
                  fontSize: 9.5,
                  color: 'grey',
                },
              ],
            ],
          },
        },
      ],
    });
    const footer = doc.footer as (page: number, count: number, size: never) => Content;
    expect(footer(1, 1, undefined as never)).toEqual({
      text: 'Page 1\u00a0/\u00a01',
      fontSize: 9.5,
      color: 'grey',
    });
  });

  it('leaves named styles to pdfmake when asked, and refuses a style it cannot resolve faithfully', () => {
    expect(
      prepareDocument({ content: { text: 'x', style: 'label' }, styles }, { resolveStyles: false }).content,
    ).toEqual({ text: 'x', style: 'label' });
    expect(() =>
      prepareDocument({ content: { text: 'x', style: 'child' }, styles: { child: { extends: 'label' } } }),
    ).toThrow(/extends/);
  });
});
