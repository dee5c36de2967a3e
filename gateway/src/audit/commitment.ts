// Content commitments and kept content. The ledger proves what was sent without holding the text:
// each record carries HMAC-SHA256 commitments keyed per subject (so guesses cannot be tested
// without that subject's key), and, when the policy says so, the text itself goes sealed to the
// content store. Destroying the subject's key erases both, and no proof changes.
import type { AuditContent, AuditContentMode, AuditRecordV1 } from '@palisade/audit-core';
import { commitContent } from '@palisade/audit-core';
import type { ContentStore, SubjectKeyStore } from '@palisade/ledger';
import { GatewayError } from '../errors.js';

export type ContentMode = AuditContentMode;

export interface ContentParts {
  /** The prompt's texts, committed as the UTF-8 of their JSON array. */
  request?: readonly string[];
  /** The answer's text. */
  response?: string;
}

export interface Commit {
  /**
   * Sets `record.content`: commitments under the subject's key and, for "full" or "redacted",
   * the sealed text in the content store, durable before this resolves.
   */
  attach(record: AuditRecordV1, mode: ContentMode, parts: ContentParts): Promise<void>;
}

const MODES: readonly ContentMode[] = ['full', 'redacted', 'hash', 'none'];

/** The policy's `audit.content` choice; anything absent or unknown keeps commitments only. */
export function contentModeOf(policyAudit: unknown): ContentMode {
  const value = (policyAudit as { content?: unknown } | null | undefined)?.content;
  return MODES.includes(value as ContentMode) ? (value as ContentMode) : 'hash';
}

export function createContentRecorder(deps: { keys: SubjectKeyStore; store: ContentStore; redact: (texts: readonly string[]) => string[] }): Commit {
  return {
    async attach(record, mode, parts) {
      if (mode === 'none') {
        record.content = { mode };
        return;
      }
      const texts: { part: 'request' | 'response'; text: string; kept: () => string }[] = [];
      if (parts.request) {
        const request = parts.request;
        texts.push({ part: 'request', text: JSON.stringify(request), kept: () => JSON.stringify(deps.redact(request)) });
      }
      if (parts.response !== undefined) {
        const response = parts.response;
        texts.push({ part: 'response', text: response, kept: () => deps.redact([response])[0] ?? '' });
      }
      try {
        const key = await deps.keys.getOrCreate(record.principal.iss, record.principal.sub);
        const content: AuditContent = { mode, key_id: key.keyId };
        for (const t of texts) content[t.part] = { bytes: Buffer.byteLength(t.text, 'utf8'), commitment: commitContent(key.commitKey, t.text) };
        if (mode === 'full' || mode === 'redacted') {
          const kept: Parameters<ContentStore['write']>[2] = {};
          for (const t of texts) kept[t.part] = { mode, text: mode === 'full' ? t.text : t.kept() };
          if (texts.length > 0) await deps.store.write(record.record_id, key, kept);
        }
        record.content = content;
      } catch (cause) {
        // Without its commitment (or the content the policy asked to keep) the record is incomplete: refuse.
        throw new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', { cause, data: { reason: 'content store' } });
      }
    },
  };
}
