import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueCodes, errors, imError } from '../../src/protocol/errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error catalogue', () => {
  it('fills message templates from params', () => {
    const e = imError('GroupNotFound', { groupId: '@TGS#1X' });
    expect(e).toMatchObject({ code: 10010, info: 'group @TGS#1X does not exist or was dismissed', errorName: 'GroupNotFound' });
  });

  it('knows every error name the code raises', () => {
    const used = new Set<string>();
    for (const file of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'rooms')), ...sources(join(ROOT, 'storage'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/imError\(\s*'(\w+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/(?:str|nonEmpty|u32|count|flag|keyValues)\('(\w+)'\)/g)) used.add(m[1]);
      for (const m of text.matchAll(/error: '(\w+)'/g)) used.add(m[1]);
    }
    const unknown = [...used].filter((name) => !Object.hasOwn(errors, name));
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(20);
  });

  it('lists every code the README documents', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'));
    const documented = [...section.matchAll(/^\| (\d{4,6}) \|/gm)].map((m) => Number(m[1]));
    expect(documented.length).toBeGreaterThan(10);
    const codes = catalogueCodes();
    expect(documented.filter((c) => !codes.has(c))).toEqual([]);
    expect([...codes].filter((c) => !documented.includes(c))).toEqual([]);
  });

  it('uses only codes Tencent defines for REST (no made-up numbers outside its ranges)', () => {
    for (const [name, def] of Object.entries(errors)) {
      // Besides its own codes, Tencent reserves 120001–130000 for C2C before-callback answers (spec §1.3).
      const appRange = 'maxCode' in def && def.code >= 120001 && def.maxCode <= 130000;
      const ok = (def.code >= 10000 && def.code < 100000) || (def.code >= 1000 && def.code < 2000) || appRange;
      expect({ name, ok }).toEqual({ name, ok: true });
    }
  });
});
