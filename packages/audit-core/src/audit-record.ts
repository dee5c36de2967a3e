// AuditRecordV1: the one record the gateway emits per decision and per outcome, and the ledger stores as canonical JSON.

export type AuditPhase = 'decision' | 'outcome';
export type AuthMethod = 'api_key' | 'oidc' | 'none';

export interface AuditPrincipal {
  sub: string;
  iss: string;
  tenant?: string;
  roles: string[];
  app?: string;
  auth: AuthMethod;
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
  entities: Record<string, { count: number; max_score: number }>;
  injection: { score: number; detected: boolean; signals: string[] };
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

/** Sizes and keyed commitments of the exchanged content; the text itself never enters the ledger. */
export interface AuditContentCommitment {
  bytes: number;
  /** Hex HMAC-SHA256 of the content under a per-record key kept outside the ledger. */
  commitment: string;
}

export interface AuditOutcome {
  status: number;
  provider?: string;
  model?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  latency_ms: number;
  error?: { code: string; message: string };
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
  principal: AuditPrincipal;
  request: AuditRequest;
  classification?: AuditClassification;
  policy?: AuditPolicy;
  content?: { request?: AuditContentCommitment; response?: AuditContentCommitment };
  outcome?: AuditOutcome;
}
