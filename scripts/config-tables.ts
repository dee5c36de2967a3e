// Rewrites the configuration tables in docs/configuration.md from the gateway's configuration
// schema. Usage: node --conditions=development --import tsx scripts/config-tables.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSections, sectionTable, TABLE_END, tableBegin } from '../gateway/src/config/reference-tables.js';

const file = join(import.meta.dirname, '..', 'docs', 'configuration.md');
let doc = readFileSync(file, 'utf8');
for (const section of configSections()) {
  const begin = tableBegin(section);
  const start = doc.indexOf(begin);
  const end = doc.indexOf(TABLE_END, start);
  if (start < 0 || end < start) throw new Error(`docs/configuration.md lacks the markers ${begin} ... ${TABLE_END}`);
  doc = `${doc.slice(0, start + begin.length)}\n${sectionTable(section)}\n${doc.slice(end)}`;
}
writeFileSync(file, doc);
