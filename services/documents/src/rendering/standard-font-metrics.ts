import pdfmake from 'pdfmake';

/**
 * pdfkit re-reads and re-parses the AFM metrics of every standard font in every document (~20 % of a booking
 * document's render time, measured). This keeps the parsed metrics of each font once per thread: the AFM parser
 * of pdfkit (reached through a font object, pdfkit does not export it) is wrapped to reuse the result for the
 * same file. The metrics are read-only after parsing, so sharing them between documents is safe. Should a pdfkit
 * upgrade move these internals, nothing breaks: rendering just stays at the uncached speed (and says so).
 */
interface AfmParser {
  parse(this: AfmMetrics, contents: string): void;
}
interface AfmMetrics {
  attributes: object;
  glyphWidths: object;
  boundingBoxes: object;
  kernPairs: object;
}

let installed: Promise<boolean> | undefined;

const findAfmPrototype = async (): Promise<AfmParser | undefined> => {
  const probe = pdfmake.createPdf({ content: 'x', defaultStyle: { font: 'Helvetica' } });
  const kit = (await probe.getStream()) as unknown as {
    fontCache?: Record<string, Record<string, { font?: { constructor?: { prototype?: unknown } } }>>;
    end(): void;
  };
  kit.end();
  const prototype = kit.fontCache?.Helvetica?.normal?.font?.constructor?.prototype as AfmParser | undefined;
  return typeof prototype?.parse === 'function' ? prototype : undefined;
};

const memoizeParse = (prototype: AfmParser): void => {
  const original = prototype.parse;
  const parsed = new Map<string, AfmMetrics>();
  prototype.parse = function parse(this: AfmMetrics, contents: string) {
    // The header (first lines) names the font; the length tells two versions of one file apart.
    const key = `${contents.length}:${contents.slice(0, 512)}`;
    const hit = parsed.get(key);
    if (hit) {
      this.attributes = hit.attributes;
      this.glyphWidths = hit.glyphWidths;
      this.boundingBoxes = hit.boundingBoxes;
      this.kernPairs = hit.kernPairs;
      return;
    }
    original.call(this, contents);
    parsed.set(key, {
      attributes: this.attributes,
      glyphWidths: this.glyphWidths,
      boundingBoxes: this.boundingBoxes,
      kernPairs: this.kernPairs,
    });
  };
};

/** Installs the cache once per thread; resolves to false when pdfkit's internals were not where expected. */
export const cacheStandardFontMetrics = (): Promise<boolean> => {
  installed ??= findAfmPrototype().then((prototype) => {
    if (!prototype) return false;
    memoizeParse(prototype);
    return true;
  });
  return installed;
};
