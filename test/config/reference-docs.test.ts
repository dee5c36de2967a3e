// docs/configuration.md documents the configuration as its schema defines it: the tables are
// generated from the schema (scripts/config-tables.ts) and must be regenerated when it changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configKeys, configSections, sectionTable, TABLE_END, tableBegin } from '../../gateway/src/config/reference-tables.js';
import { REPO } from '../support/gateway.js';

const doc = readFileSync(join(REPO, 'docs/configuration.md'), 'utf8');

/** The text between the markers of `section`'s table, or undefined when the markers are missing. */
function documentedTable(section: string): string | undefined {
  const begin = tableBegin(section);
  const start = doc.indexOf(begin);
  const end = doc.indexOf(TABLE_END, start);
  if (start < 0 || end < start) return undefined;
  return doc.slice(start + begin.length, end).trim();
}

/** Table rows outside the generated blocks. */
function handWrittenRows(): string[] {
  const rows: string[] = [];
  let inBlock = false;
  for (const line of doc.split('\n')) {
    if (line.startsWith('<!-- configuration table `')) inBlock = true;
    else if (line === TABLE_END) inBlock = false;
    else if (!inBlock && line.startsWith('|')) rows.push(line);
  }
  return rows;
}

const documentedRows = doc
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => line.split(' | '));

describe('docs/configuration.md', () => {
  for (const section of configSections()) {
    it(`documents \`${section}\` exactly as the schema defines it`, () => {
      assert.equal(documentedTable(section), sectionTable(section), `run scripts/config-tables.ts to regenerate the \`${section}\` table`);
    });
  }

  it('names every key the schema defines', () => {
    const documented = new Set(documentedRows.map((cells) => cells[0]?.slice(3, -1)));
    assert.deepEqual(configKeys().filter((key) => !documented.has(key)), []);
  });

  it('names no key the schema lacks', () => {
    const keys = new Set(configKeys());
    assert.deepEqual(documentedRows.map((cells) => cells[0]?.slice(3, -1)).filter((key) => key === undefined || !keys.has(key)), []);
  });

  it('has no table besides the generated ones', () => {
    assert.deepEqual(handWrittenRows(), []);
  });

  it('has no table for a section the schema lacks', () => {
    const marked = [...doc.matchAll(/<!-- configuration table `([^`]+)`/g)].map((m) => m[1]);
    assert.deepEqual(marked.filter((section) => section === undefined || !configSections().includes(section)), []);
  });

  it('says what every key means', () => {
    assert.deepEqual(documentedRows.filter((cells) => (cells[4] ?? '').replace(/ \|$/, '').trim() === '').map((cells) => cells[0]), []);
  });
});
