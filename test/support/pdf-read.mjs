// Reads a PDF with Mozilla's pdf.js and prints {pages, text, info, pdfaPart, pdfaConformance} as JSON. A separate
// process because pdf.js is an ES module that Jest's CommonJS transform cannot load.
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const doc = await getDocument({ data, verbosity: 0 }).promise;
const texts = [];
for (let p = 1; p <= doc.numPages; p++) {
  const content = await (await doc.getPage(p)).getTextContent();
  texts.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join(''));
}
const meta = await doc.getMetadata();
process.stdout.write(
  JSON.stringify({
    pages: doc.numPages,
    text: texts.join('\n'),
    info: meta.info,
    pdfaPart: meta.metadata?.get('pdfaid:part') ?? null,
    pdfaConformance: meta.metadata?.get('pdfaid:conformance') ?? null,
  }),
);
