import * as z from '../shape';

/**
 * Characters that show nothing on a page: whitespace of every script (incl. the ideographic
 * space U+3000), control and format characters (zero-width space/joiners, bidi marks, BOM, soft
 * hyphen), the Unicode "default ignorable" set (Hangul fillers, variation selectors, tag
 * characters, …) and the blank braille pattern U+2800 that fonts draw as empty.
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/gu;

/** The characters of `text` a reader can see. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, '');
}

/**
 * A name people pick a record by (a project, an org unit, a person): trimmed, at most `max`
 * characters, and at least `min` of them visible, so a name of only spaces or zero-width
 * characters, which would list as a blank line nobody can tell apart, is refused.
 */
export function ZVisibleName({ min = 1, max }: { min?: number; max: number }) {
  // No separate .min(): an empty name would then get two issues on one field; the visible count covers it.
  return z
    .string()
    .trim()
    .max(max)
    .refine((name) => [...visibleText(name)].length >= min, {
      message:
        min === 1
          ? 'must contain a visible character (not empty, not only spaces or invisible characters)'
          : `must contain at least ${min} visible characters (spaces and invisible characters do not count)`,
      params: { zh: min === 1 ? '不能为空，也不能只有空白或不可见字符' : `至少 ${min} 个可见字符（空白和不可见字符不算）` },
    });
}
