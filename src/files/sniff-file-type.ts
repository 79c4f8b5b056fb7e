/**
 * The type of an uploaded file, decided from its first bytes (its signature), never from the name
 * or the Content-Type the client sent: a renamed .exe or HTML page is none of these and is
 * refused. DOCX and XLSX are ZIP packages; they are told apart from any other ZIP by the part
 * names every such package carries (names are stored uncompressed in the ZIP headers).
 */
export const ACCEPTED_FILE_TYPES = {
  PDF: 'application/pdf',
  PNG: 'image/png',
  JPEG: 'image/jpeg',
  DOCX: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
export type TAcceptedFileType = keyof typeof ACCEPTED_FILE_TYPES;

const startsWith = (bytes: Buffer, signature: number[]) => bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

export function sniffFileType(bytes: Buffer): { type: TAcceptedFileType; contentType: string } | null {
  const found = ((): TAcceptedFileType | null => {
    if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'PDF'; // %PDF-
    if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'PNG';
    if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'JPEG';
    if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
      const names = bytes.toString('latin1');
      if (!names.includes('[Content_Types].xml')) return null;
      if (names.includes('word/document.xml')) return 'DOCX';
      if (names.includes('xl/workbook.xml')) return 'XLSX';
    }
    return null;
  })();
  return found ? { type: found, contentType: ACCEPTED_FILE_TYPES[found] } : null;
}

/** Types a browser may show in place (the archive's previews); every other type is downloaded. */
export const PREVIEWABLE_CONTENT_TYPES: ReadonlySet<string> = new Set([ACCEPTED_FILE_TYPES.PDF, ACCEPTED_FILE_TYPES.PNG, ACCEPTED_FILE_TYPES.JPEG]);
