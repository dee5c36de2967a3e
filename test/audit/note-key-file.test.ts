// Signing key files: created private (0600) for development, loaded as Go-format signer keys, refused with codes when bad.
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSigner } from '@palisade/audit-core';
import { loadNoteKey, loadOrCreateNoteKey } from '@palisade/ledger';
import { scratchDir } from './fixtures.js';

describe('note key files', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  before(async () => {
    scratch = await scratchDir();
  });
  after(() => scratch.cleanup());

  it('creates a 0600 key file once and loads the same key afterwards', async () => {
    const file = join(scratch.dir, 'keys', 'audit.skey');
    const created = await loadOrCreateNoteKey(file, 'audit.test/ledger');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.match(text, /^PRIVATE\+KEY\+audit\.test\/ledger\+[0-9a-f]{8}\+/);
    assert.equal(parseSigner(text).vkey, created.vkey);
    assert.equal((await loadOrCreateNoteKey(file, 'ignored-when-present')).vkey, created.vkey);
    assert.equal((await loadNoteKey(file)).vkey, created.vkey);
    assert.equal(JSON.stringify(created).includes(text.trim().split('+').pop()!), false, 'the signer does not expose its key');
  });

  it('refuses missing and invalid key files without echoing their content', async () => {
    await assert.rejects(loadNoteKey(join(scratch.dir, 'absent.skey')), { code: 'AUD_ERR_KEY_MISSING' });
    const bad = join(scratch.dir, 'bad.skey');
    await writeFile(bad, 'PRIVATE+KEY+name+00000000+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz\n');
    await assert.rejects(loadNoteKey(bad), (err: Error & { code?: string }) => err.code === 'AUD_ERR_KEY_INVALID' && !err.message.includes('AYEKFALV'));
    await assert.rejects(loadOrCreateNoteKey(bad, 'x'), { code: 'AUD_ERR_KEY_INVALID' });
  });
});
