// JSON Schema (draft-07, usable by ajv 8) of AuditRecordV1; every object is closed so the ledger holds exactly the documented shape.

/** A JSON Schema object; typed loosely so this package needs no validator dependency. */
export type JsonSchema = { [keyword: string]: unknown };

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const UUID_V7 = '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
const UTC_MILLIS = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$';
const HEX_SHA256 = '^[0-9a-f]{64}$';
const KEY_ID = '^[0-9a-f]{32}$';

const str = { type: 'string' } as const;
const nonNegInt = { type: 'integer', minimum: 0 } as const;
const score = { type: 'number', minimum: 0, maximum: 1 } as const;

function closed(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return { type: 'object', additionalProperties: false, required, properties };
}

const commitment = closed({ bytes: nonNegInt, commitment: { type: 'string', pattern: HEX_SHA256 } }, ['bytes', 'commitment']);
const codeMessage = closed({ code: str, message: str }, ['code', 'message']);

export const auditRecordSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:palisade:schema:audit-record:v1',
  title: 'AuditRecordV1',
  ...closed(
    {
      schema_version: { const: 1 },
      record_id: { type: 'string', pattern: UUID_V7 },
      decision_id: { type: 'string', pattern: UUID },
      phase: { enum: ['decision', 'outcome', 'console'] },
      timestamp: { type: 'string', pattern: UTC_MILLIS },
      gateway_id: str,
      trace_id: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      principal: closed(
        {
          sub: str,
          iss: str,
          tenant: str,
          roles: { type: 'array', items: str },
          app: str,
          auth: { enum: ['api_key', 'oidc', 'introspection', 'proxy', 'none'] },
          credential_id: str,
          actor: { type: 'array', items: closed({ sub: str, iss: str, client_id: str }, ['sub']) },
        },
        ['sub', 'iss', 'roles', 'auth'],
      ),
      request: closed(
        { api: str, route: str, model_requested: str, stream: { type: 'boolean' }, client_address: str },
        ['api', 'route', 'stream'],
      ),
      classification: closed(
        {
          labels: { type: 'array', items: str },
          entities: {
            type: 'object',
            additionalProperties: closed({ count: nonNegInt, max_score: score, fields: { type: 'array', maxItems: 32, items: str } }, ['count', 'max_score']),
          },
          injection: closed(
            { score, detected: { type: 'boolean' }, signals: { type: 'array', items: str }, tier: str, sources: { type: 'array', items: str } },
            ['score', 'detected', 'signals'],
          ),
        },
        ['labels', 'entities', 'injection'],
      ),
      policy: closed(
        {
          bundle: str,
          revision: str,
          digest: str,
          entrypoint: str,
          allow: { type: 'boolean' },
          reasons: { type: 'array', items: codeMessage },
          error: str,
          input: { type: 'object' },
          shadow: closed(
            { bundle: str, revision: str, allow: { type: 'boolean' }, differs: { type: 'boolean' }, reasons: { type: 'array', items: codeMessage } },
            ['bundle', 'revision', 'allow', 'differs'],
          ),
        },
        ['bundle', 'revision', 'digest', 'entrypoint', 'allow', 'reasons'],
      ),
      content: closed(
        {
          mode: { enum: ['full', 'redacted', 'hash', 'none'] },
          key_id: { type: 'string', pattern: KEY_ID },
          request: commitment,
          response: commitment,
        },
        [],
      ),
      outcome: closed(
        {
          status: { type: 'integer', minimum: 0, maximum: 999 },
          provider: str,
          model: str,
          usage: closed(
            { prompt_tokens: nonNegInt, completion_tokens: nonNegInt, total_tokens: nonNegInt },
            ['prompt_tokens', 'completion_tokens', 'total_tokens'],
          ),
          latency_ms: { type: 'number', minimum: 0 },
          ttfb_ms: { type: 'number', minimum: 0 },
          cost_usd: { type: 'number', minimum: 0 },
          cached: { type: 'boolean' },
          attempts: { type: 'array', items: closed({ provider: str, model: str, status: { type: 'integer' }, error: str }, ['provider']) },
          error: codeMessage,
        },
        ['status', 'latency_ms'],
      ),
      redaction: closed(
        {
          operators: { type: 'object', additionalProperties: { enum: ['placeholder', 'mask', 'hash', 'remove'] } },
          redacted: { type: 'object', additionalProperties: nonNegInt },
          restored: nonNegInt,
        },
        [],
      ),
      limits: closed({ tier: str, key: str, allowed: { type: 'boolean' }, remaining: { type: 'number' } }, ['allowed']),
      error: codeMessage,
      console: closed(
        {
          action: { enum: ['sign_in', 'sign_in_refused', 'sign_out', 'search', 'open_record', 'export', 'erase'] },
          query: { type: 'object', additionalProperties: str },
          decision_ids: { type: 'array', maxItems: 1000, items: { type: 'string', pattern: UUID } },
          subject: str,
          result: { enum: ['ok', 'refused'] },
          reason: str,
          count: nonNegInt,
        },
        ['action', 'result'],
      ),
    },
    ['schema_version', 'record_id', 'decision_id', 'phase', 'timestamp', 'gateway_id', 'principal', 'request'],
  ),
};
