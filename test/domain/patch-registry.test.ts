import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PATCH_IDS } from '../../workflows/patches';

/**
 * One list of the patches in force: workflows/patches.ts. The newcomer's page (docs/upgrading.md,
 * "Patches in force") names exactly those ids, and no workflow passes `patched()` an id of its own.
 * (That each id is in a recorded history is test/replay/replay-histories.test.ts.)
 */
const root = new URL('../../', import.meta.url);

describe('the patch registry', () => {
  it('docs/upgrading.md "Patches in force" names exactly the ids of workflows/patches.ts', async () => {
    const doc = await readFile(new URL('docs/upgrading.md', root), 'utf8');
    const section = doc.slice(doc.indexOf('## Patches in force'), doc.indexOf('\n## ', doc.indexOf('## Patches in force') + 1));
    const named = new Set([...section.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual([...PATCH_IDS].sort());
  });

  it('ids are unique, and every patched() call in the workflows takes its id from the registry', async () => {
    expect(new Set(PATCH_IDS).size).toBe(PATCH_IDS.length);
    const dir = new URL('workflows/', root);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts'))) {
      const source = await readFile(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/patched\(\s*['"`]/);
      expect(source, file).not.toMatch(/deprecatePatch\(\s*['"`]/);
    }
  });
});
