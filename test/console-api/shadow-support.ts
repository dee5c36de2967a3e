// A gateway with the audit console and a shadow bundle beside the committed one: the candidate
// allows exactly what carries a classification label and denies the rest, so plain prompts differ
// one way and personal data the other.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundle } from '../../gateway/src/policy/index.js';
import { DEV_SIGNING, buildFixtureBundle, filesToTarGz, signFiles, ALLOW_RESPONSE_REGO } from '../policy/support.js';
import { BUNDLE, type TestGateway } from '../support/gateway.js';
import { startConsoleGateway } from './support.js';

export const SHADOW_REVISION = 'candidate-7';

const LABELLED_ONLY_REGO = `package palisade.request

decision := {"allow": true, "reasons": []} if {
  count(input.classification.labels) > 0
} else := {"allow": false, "reasons": [{"code": "candidate_closed", "message": "The candidate admits labelled prompts only."}]}
`;

export interface ShadowGateway {
  gw: TestGateway;
  /** The committed (enforced) bundle's revision. */
  enforcedRevision: string;
  close(): Promise<void>;
}

export async function startShadowGateway(): Promise<ShadowGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'palisade-shadow-'));
  try {
    const unsigned = await readBundle(await buildFixtureBundle({ 'request.rego': LABELLED_ONLY_REGO, 'response.rego': ALLOW_RESPONSE_REGO }, undefined, SHADOW_REVISION));
    const candidate = join(dir, 'candidate.tar.gz');
    await writeFile(candidate, await filesToTarGz(await signFiles(unsigned.files, DEV_SIGNING)));
    const enforcedRevision = (await readBundle(await readFile(BUNDLE))).manifest.revision;
    const gw = await startConsoleGateway((c) => {
      (c['policy'] as Record<string, unknown>)['shadow'] = { bundle: candidate };
    });
    return {
      gw,
      enforcedRevision,
      async close() {
        await gw.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
