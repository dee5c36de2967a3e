// The console API's answers, as the shared design describes them.

export interface SignInModes {
  api_key: boolean;
  oidc: boolean;
}

export interface Session {
  sub: string;
  roles: string[];
  csrf: string;
  expires_at: string;
  modes?: SignInModes;
}

export type Outcome = 'allowed' | 'denied' | 'redacted' | 'error';

export interface DecisionSummary {
  decision_id: string;
  time: string;
  sub: string;
  tenant?: string;
  app?: string;
  model?: string;
  provider?: string;
  outcome: Outcome | string;
  reasons: string[];
  data_classes: string[];
  bundle_revision?: string;
  log: string;
  index: number;
}

export interface DecisionPage {
  items: DecisionSummary[];
  next_cursor: string | null;
  total_estimate: number;
}

export interface EntryRef {
  log: string;
  index: number;
}

export interface ActorLink {
  sub: string;
  iss?: string;
  client_id?: string;
}

export interface EntityCount {
  count: number;
  max_score: number;
}

export interface Reason {
  code: string;
  message?: string;
}

/** The audit record as stored in the ledger (only the fields the pages read are typed). */
export interface AuditRecord {
  record_id: string;
  decision_id: string;
  phase: 'decision' | 'outcome';
  timestamp: string;
  gateway_id: string;
  principal: {
    sub: string;
    iss: string;
    tenant?: string;
    roles: string[];
    app?: string;
    auth: string;
    credential_id?: string;
    actor?: ActorLink[];
  };
  request: { api: string; route: string; model_requested?: string; stream: boolean; client_address?: string };
  classification?: { labels: string[]; entities: Record<string, EntityCount>; injection: { score: number; detected: boolean; signals: string[] } };
  policy?: {
    bundle: string;
    revision: string;
    digest: string;
    entrypoint: string;
    allow: boolean;
    reasons: Reason[];
    error?: string;
    shadow?: { bundle: string; revision: string; allow: boolean; differs: boolean; reasons?: Reason[] };
  };
  redaction?: { operators?: Record<string, string>; redacted?: Record<string, number>; restored?: number };
  content?: { mode?: string; key_id?: string; request?: { bytes: number; commitment: string }; response?: { bytes: number; commitment: string } };
  outcome?: {
    status: number;
    provider?: string;
    model?: string;
    usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    latency_ms: number;
    ttfb_ms?: number;
    cost_usd?: number;
    cached?: boolean;
    attempts?: { provider: string; model?: string; status?: number; error?: string }[];
    error?: { code: string; message: string };
  };
  limits?: { allowed: boolean; tier?: string; key?: string; remaining?: number };
  error?: { code: string; message: string };
}

export interface DecisionDetail {
  /** Null only when the ledger holds the outcome record alone. */
  decision: AuditRecord | null;
  outcome: AuditRecord | null;
  decision_entry: EntryRef | null;
  outcome_entry: EntryRef | null;
  content: { request: string | null; response: string | null } | 'erased' | 'not_stored' | 'forbidden';
  related: { same_sub: DecisionSummary[] };
}

export interface LogInfo {
  log: string;
  size: number;
  checkpoint: string;
  vkey: string;
}

export interface CheckpointSeen {
  size: number;
  root: string;
  time: string;
}

export interface SubjectInfo {
  sub: string;
  decisions: DecisionSummary[];
  erased: boolean;
}

export interface Overview {
  by_time: { bucket: string; allowed: number; denied: number; redacted: number; error: number }[];
  denials_by_reason: { reason: string; count: number }[];
  data_classes: { type: string; count: number }[];
  top_subjects: { sub: string; count: number }[];
  top_models: { model: string; count: number }[];
  bundles: { revision: string; digest: string; first_seen: string; last_seen: string; decisions: number }[];
  shadow_bundles: ShadowRevision[];
}

/** A candidate bundle evaluated beside the enforced one, and how often it would have decided otherwise. */
export interface ShadowRevision {
  bundle: string;
  revision: string;
  first_seen: string;
  last_seen: string;
  evaluated: number;
  differed: number;
  enforced_allow_shadow_deny: number;
  enforced_deny_shadow_allow: number;
}

/** The search filters, named as the API's query parameters. */
export const FILTER_NAMES = ['from', 'to', 'sub', 'tenant', 'app', 'model', 'provider', 'outcome', 'reason', 'data_class', 'bundle', 'decision_id'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type Filters = Partial<Record<FilterName, string>>;
