// Checks classifier options once, at construction, fills in the defaults and compiles custom classes.

import { GatewayError } from '../errors.js';
import { compileCustomClasses, type CompiledCustom } from './custom-classes.js';
import { ENTITY_TYPES, type EntityType, isEntityType } from './entity-types.js';
import type { ClassifierOptions } from './types.js';

export interface ResolvedOptions {
  entityTypes: ReadonlySet<EntityType>;
  minScore: number;
  labelThreshold: number;
  injectionThreshold: number;
  custom: CompiledCustom;
}

export const DEFAULT_LABEL_THRESHOLD = 0.5;
export const DEFAULT_INJECTION_THRESHOLD = 0.5;

function unitInterval(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new GatewayError('GW_ERR_CONFIG_INVALID', { detail: `classify: ${name} must be a number from 0 to 1.` });
  }
  return value;
}

export function resolveOptions(options: ClassifierOptions = {}): ResolvedOptions {
  let entityTypes: ReadonlySet<EntityType> = new Set(ENTITY_TYPES);
  if (options.entityTypes !== undefined) {
    const unknown = options.entityTypes.filter((t) => !isEntityType(t));
    if (unknown.length > 0) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', {
        detail: `classify: unknown entity type(s) ${unknown.join(', ')}; known: ${ENTITY_TYPES.join(', ')}.`,
        data: { unknown },
      });
    }
    entityTypes = new Set(options.entityTypes.filter(isEntityType));
  }
  return {
    entityTypes,
    minScore: unitInterval('minScore', options.minScore, 0),
    labelThreshold: unitInterval('labelThreshold', options.labelThreshold, DEFAULT_LABEL_THRESHOLD),
    injectionThreshold: unitInterval('injectionThreshold', options.injectionThreshold, DEFAULT_INJECTION_THRESHOLD),
    custom: compileCustomClasses(options.custom),
  };
}
