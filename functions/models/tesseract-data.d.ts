/** `@tesseract.js-data/eng` ships no types: it exports where its traineddata lives. */
declare module '@tesseract.js-data/eng' {
  /** Tesseract's language code, `eng`. */
  export const code: string;
  /** Whether the traineddata file is gzipped (`eng.traineddata.gz`). */
  export const gzip: boolean;
  /** Directory holding the traineddata file. */
  export const langPath: string;
}
