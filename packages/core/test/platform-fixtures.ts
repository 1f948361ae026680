/** The recorded deliveries of one platform (test/fixtures/<platform>/*.json), for the provider tests. */
import { readdirSync, readFileSync } from 'node:fs';

/** Every fixture of `platform`, sorted by file name, and one of them by its `name` (or the start of it). */
export function platformFixtures<F extends { name: string }>(platform: string): { fixtures: F[]; fixture(name: string): F } {
  const dir = new URL(`../../../test/fixtures/${platform}/`, import.meta.url);
  const fixtures = readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as F);
  return {
    fixtures,
    fixture(name) {
      const found = fixtures.find((f) => f.name === name) ?? fixtures.find((f) => f.name.startsWith(name));
      if (found === undefined) throw new Error(`test/fixtures/${platform} has no fixture named ${name}`);
      return found;
    },
  };
}
