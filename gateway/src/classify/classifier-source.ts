// The classifier in force: the configuration's custom classes plus those the enforced policy
// bundle ships in its data (`data.palisade.classify.custom_classes`, the same shape as the
// `classify.custom_classes` config), so a compliance team can release a data class together with
// the policy that uses it. Swapped with the bundle; a bundle whose classes are invalid is refused.
import { schemaAjv } from '@palisade/audit-core';
import { GatewayError } from '../errors.js';
import { createClassifier } from './classifier.js';
import { classifierOptionsFromConfig, CustomClassSchema, type ClassifyConfig, type CustomClassConfig } from './config-schema.js';
import { LIMITS } from './custom-limits.js';
import type { Classifier } from './types.js';

export interface ClassifierSource {
  readonly current: Classifier;
  /** For the policy engine: builds the bundle's classifier (throws to refuse it) and returns the swap. */
  prepare(bundle: { data: Record<string, unknown> }): () => void;
}

const validateClasses = schemaAjv('first-error').compile<CustomClassConfig[]>({ type: 'array', maxItems: LIMITS.classes, items: CustomClassSchema });

function bundleClasses(data: Record<string, unknown>): unknown {
  const palisade = data['palisade'];
  if (palisade === null || typeof palisade !== 'object') return undefined;
  const classify = (palisade as Record<string, unknown>)['classify'];
  if (classify === null || typeof classify !== 'object') return undefined;
  return (classify as Record<string, unknown>)['custom_classes'];
}

export function createClassifierSource(config: ClassifyConfig = {}): ClassifierSource {
  const configured = createClassifier(classifierOptionsFromConfig(config));
  let current = configured;
  return {
    get current() {
      return current;
    },
    prepare(bundle) {
      const classes = bundleClasses(bundle.data);
      if (classes === undefined) return () => (current = configured);
      if (!validateClasses(classes)) {
        const first = validateClasses.errors?.[0];
        throw new GatewayError('GW_ERR_BUNDLE_INVALID', { detail: `data.palisade.classify.custom_classes${first?.instancePath ?? ''} ${first?.message ?? 'is not valid'}.` });
      }
      let next: Classifier;
      try {
        next = createClassifier(classifierOptionsFromConfig({ ...config, custom_classes: [...(config.custom_classes ?? []), ...classes] }));
      } catch (cause) {
        const detail = cause instanceof GatewayError ? (cause.detail ?? cause.message) : 'a custom class does not compile';
        throw new GatewayError('GW_ERR_BUNDLE_INVALID', { cause, detail: `data.palisade.classify.custom_classes: ${detail}` });
      }
      return () => (current = next);
    },
  };
}
