// Where bundles come from: one interface over a .tar.gz file, an unpacked bundle directory and an
// OPA bundle server, so the policy service polls them all the same way.
import type { PolicyBundle } from './bundle-reader.js';

export type SourceCheck =
  | { kind: 'unchanged' }
  | { kind: 'bundle'; bundle: PolicyBundle; /** Handed back by accept() once the bundle is active. */ etag?: string };

export interface BundleSource {
  /** A form of the location safe to log (no credentials or query). */
  readonly description: string;
  /** Looks for a new bundle; throws a GatewayError (GW_ERR_BUNDLE_*) when the source fails. */
  check(signal: AbortSignal): Promise<SourceCheck>;
  /** The bundle from the last check was activated. */
  accepted(check: SourceCheck): void;
  /** The last check failed or its bundle was refused. */
  failed(): void;
  /** True when the source answers only once something changed (long polling): poll again at once. */
  holdsRequests(): boolean;
}
