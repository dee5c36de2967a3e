// docs/providers.md carries the gateway's field tables as they are: regenerate them with
// scripts/field-tables.ts when a table changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOC_BEGIN, DOC_END, FIELD_TABLES, fieldTablesMarkdown } from '../../gateway/src/pipeline/fields/tables.js';
import { describeTable } from '../../gateway/src/pipeline/fields/describe-table.js';
import { REPO } from '../support/gateway.js';

describe('docs/providers.md field tables', () => {
  it('equal the tables the gateway enforces', () => {
    const doc = readFileSync(join(REPO, 'docs/providers.md'), 'utf8');
    const start = doc.indexOf(DOC_BEGIN);
    const end = doc.indexOf(DOC_END);
    assert.ok(start >= 0 && end > start, 'the markers are in place');
    assert.equal(doc.slice(start + DOC_BEGIN.length, end).trim(), fieldTablesMarkdown().trim());
  });
  it('name the fields an attacker used to slip text past the classifier', () => {
    const fields = new Map(FIELD_TABLES.map((t) => [t.route, new Map(describeTable(t.spec).map((r) => [r.field, r.action]))]));
    const expectClassified: [string, string][] = [
      ['/v1/chat/completions', 'messages.*.name'],
      ['/v1/chat/completions', 'tools.*.function.description'],
      ['/v1/chat/completions', 'tools.*.function.parameters'],
      ['/v1/chat/completions', 'response_format.json_schema.schema'],
      ['/v1/chat/completions', 'prediction.content'],
      ['/v1/chat/completions', 'metadata'],
      ['/v1/chat/completions', 'user'],
      ['/v1/chat/completions', 'stop'],
      ['/v1/messages', 'tools.*.description'],
      ['/v1/messages', 'metadata.user_id'],
      ['/v1/messages', 'stop_sequences.*'],
      ['/v1/messages', 'messages.*.content.*.thinking'],
      ['/v1/responses', 'text.format.schema'],
      ['/v1/responses', 'prompt.variables'],
      ['/v1/embeddings', 'user'],
    ];
    for (const [route, field] of expectClassified) assert.match(fields.get(route)?.get(field) ?? 'missing', /classified/, `${route} ${field}`);
  });
});
