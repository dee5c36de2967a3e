// AuditRecordV1: the one record the gateway emits per decision and per outcome, and the ledger stores as canonical JSON.

/** `console`: an action of a person in the audit console (sign-in, search, opening a record, export, erasure). */
export type AuditPhase = 'decision' | 'outcome' | 'console';
export type AuthMethod = 'api_key' | 'oidc' | 'introspection' | 'proxy' | 'none';

export interface AuditPrincipal {
  sub: string;
  iss: string;
  tenant?: string;
  roles: string[];
  app?: string;
  auth: AuthMethod;
  /** Non-secret label of the credential (e.g. the API key id). */
  credential_id?: string;
  /** RFC 8693 `act` chain: the agents acting for the subject, outermost first. */
  actor?: { sub: string; iss?: string; client_id?: string }[];
}

export interface AuditRequest {
  api: string;
  route: string;
  model_requested?: string;
  stream: boolean;
  client_address?: string;
}

export interface AuditClassification {
  labels: string[];
  /** `fields`: where in the request a type was found (decision records only), as the API's field names. */
  entities: Record<string, { count: number; max_score: number; fields?: string[] }>;
  injection: { score: number; detected: boolean; signals: string[]; tier?: string; sources?: string[] };
}

export interface AuditPolicy {
  bundle: string;
  revision: string;
  digest: string;
  entrypoint: string;
  allow: boolean;
  reasons: { code: string; message: string }[];
  error?: string;
  /** The exact decision input (no prompt text), so replaying it against this revision reproduces the decision. */
  input?: Record<string, unknown>;
  /** A candidate bundle evaluated beside the enforced one; never enforced. */
  shadow?: { bundle: string; revision: string; allow: boolean; differs: boolean; reasons?: { code: string; message: string }[] };
}

/** Size and keyed commitment of one exchanged text; the text itself never enters the ledger. */
export interface AuditContentCommitment {
  bytes: number;
  /** Hex HMAC-SHA256 of the content under the subject's commitment key (or, without key_id, the gateway's legacy key). */
  commitment: string;
}

/** What the policy asked the gateway to keep of the content, outside the ledger. */
export type AuditContentMode = 'full' | 'redacted' | 'hash' | 'none';

export interface AuditContent {
  /** Absent on records written before per-subject keys: they hold commitments only. */
  mode?: AuditContentMode;
  /** The subject key the commitments (and any stored content) are keyed with; erasing it erases both. */
  key_id?: string;
  request?: AuditContentCommitment;
  response?: AuditContentCommitment;
}

export interface AuditOutcome {
  status: number;
  provider?: string;
  model?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  latency_ms: number;
  /** Time to the first byte of a streamed answer. */
  ttfb_ms?: number;
  cost_usd?: number;
  /** Answered from the response cache. */
  cached?: boolean;
  /** Every provider tried, in order, when retries or fallbacks happened. */
  attempts?: { provider: string; model?: string; status?: number; error?: string }[];
  error?: { code: string; message: string };
}

/** What redaction did: to the prompt on a decision record, to the answer on an outcome record. */
export interface AuditRedaction {
  /** Operator per entity type, as the policy asked (`*` for every other type). */
  operators?: Record<string, 'placeholder' | 'mask' | 'hash' | 'remove'>;
  /** Values replaced, per entity type. */
  redacted?: Record<string, number>;
  /** Placeholders put back into the answer (reversible mode). */
  restored?: number;
}

/** The outcome of a rate limit or budget check. */
export interface AuditLimits {
  tier?: string;
  key?: string;
  allowed: boolean;
  remaining?: number;
}

export type AuditConsoleActionName = 'sign_in' | 'sign_in_refused' | 'sign_out' | 'search' | 'open_record' | 'export' | 'erase';

/** What a person did in the audit console; on `console` records only. The principal is that person. */
export interface AuditConsoleAction {
  action: AuditConsoleActionName;
  /** The search filters or export query, as given (never prompt text: the console has none to give). */
  query?: Record<string, string>;
  /** The decisions opened or exported. */
  decision_ids?: string[];
  /** The data subject looked up or erased. */
  subject?: string;
  result: 'ok' | 'refused';
  /** Why an action was refused, as an error code. */
  reason?: string;
  /** How many records the action returned or exported. */
  count?: number;
}

export interface AuditRecordV1 {
  schema_version: 1;
  /** UUIDv7. */
  record_id: string;
  /** UUID shared by the decision and outcome records of one request. */
  decision_id: string;
  phase: AuditPhase;
  /** RFC 3339 UTC with milliseconds, e.g. 2026-01-02T03:04:05.678Z. */
  timestamp: string;
  gateway_id: string;
  /** The W3C trace id (32 lower-case hex) of the request's trace, when the gateway exports traces. */
  trace_id?: string;
  principal: AuditPrincipal;
  request: AuditRequest;
  /** The prompt's classification on a decision record; the answer's on an outcome record. */
  classification?: AuditClassification;
  /** The request decision on a decision record; the response decision on an outcome record. */
  policy?: AuditPolicy;
  content?: AuditContent;
  outcome?: AuditOutcome;
  limits?: AuditLimits;
  redaction?: AuditRedaction;
  /** Why a request was refused before or outside the policy (identity, limits, audit). */
  error?: { code: string; message: string };
  /** The console action, on `console` records. */
  console?: AuditConsoleAction;
}
