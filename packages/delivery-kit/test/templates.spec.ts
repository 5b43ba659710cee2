import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  describeDataIssues,
  indexTemplates,
  TemplateDataError,
  templateNamed,
  UnknownTemplateError,
} from '../src/template-errors.ts';
import { firstNameOf, optionalText, optionalWebUrl, text, webUrl } from '../src/template-fields.ts';

describe('template fields', () => {
  it('trims texts and bounds their length', () => {
    expect(text(5).parse('  abc ')).toBe('abc');
    expect(text(5).safeParse('abcdef').error?.issues[0]?.message).toBe('at most 5 characters');
    expect(text().safeParse('   ').error?.issues[0]?.message).toBe('must not be empty');
  });

  it('treats absent, null and empty optional texts as not given', () => {
    const schema = z.object({ note: optionalText() });
    for (const note of [undefined, null, '']) expect(schema.parse({ note })).toEqual({ note: null });
    expect(schema.parse({ note: ' ok ' })).toEqual({ note: 'ok' });
  });

  it('accepts only http(s) links', () => {
    expect(webUrl().safeParse('https://exemple.fr/a').success).toBe(true);
    expect(webUrl().safeParse('javascript:alert(1)').success).toBe(false);
    expect(optionalWebUrl().parse('')).toBeNull();
  });

  it.each([
    ['Élodie Martin', 'Élodie'],
    ['  Jean  ', 'Jean'],
    ['', null],
    [null, null],
  ])('first name of %j is %j', (full, first) => {
    expect(firstNameOf(full)).toBe(first);
  });
});

describe('template errors', () => {
  const schema = z.object({ customerName: text(), booking: z.object({ reference: text(10) }) });

  it('names every missing or invalid field without echoing values', () => {
    const data = { booking: { reference: 'EQ-2026-0001234' } };
    const parsed = schema.safeParse(data);
    expect(parsed.success).toBe(false);
    const problems = describeDataIssues(data, parsed.error!);
    expect(problems).toEqual(['missing field customerName', 'booking.reference: at most 10 characters']);
    const error = new TemplateDataError('booking-confirmation', problems);
    expect(error.message).toBe(
      'template booking-confirmation: missing field customerName; booking.reference: at most 10 characters',
    );
    expect(error.template).toBe('booking-confirmation');
  });

  it('describes data that is not an object', () => {
    const parsed = schema.safeParse(null);
    expect(describeDataIssues(null, parsed.error!)).toEqual([
      '(data): Invalid input: expected object, received null',
    ]);
  });

  it('indexes templates by name and refuses a name defined twice', () => {
    const templates = indexTemplates([{ name: 'a' }, { name: 'b' }], 'SMS');
    expect(templateNamed(templates, 'b', 'SMS')).toEqual({ name: 'b' });
    expect(() => templateNamed(templates, 'c', 'SMS')).toThrow(
      new UnknownTemplateError('unknown SMS template "c" (known: a, b)'),
    );
    expect(() => indexTemplates([{ name: 'a' }, { name: 'a' }], 'SMS')).toThrow(
      'SMS template a defined twice',
    );
  });
});
