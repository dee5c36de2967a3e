// Rewrites the field tables in docs/providers.md from the gateway's own tables.
// Usage: node --conditions=development --import tsx scripts/field-tables.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOC_BEGIN, DOC_END, fieldTablesMarkdown } from '../gateway/src/pipeline/fields/tables.js';

const file = join(import.meta.dirname, '..', 'docs', 'providers.md');
const doc = readFileSync(file, 'utf8');
const start = doc.indexOf(DOC_BEGIN);
const end = doc.indexOf(DOC_END);
if (start < 0 || end < start) throw new Error(`docs/providers.md lacks the markers ${DOC_BEGIN} ... ${DOC_END}`);
writeFileSync(file, `${doc.slice(0, start + DOC_BEGIN.length)}\n${fieldTablesMarkdown()}\n${doc.slice(end)}`);
