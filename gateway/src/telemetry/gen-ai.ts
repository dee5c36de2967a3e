// OpenTelemetry GenAI semantic conventions: the operation each served API performs and the
// well-known name of each provider type.
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
} from '@opentelemetry/semantic-conventions/incubating';
import type { ProviderConfig } from '../config/schema.js';

const PROVIDER_NAMES: Readonly<Record<ProviderConfig['type'], string>> = {
  openai: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  // An OpenAI-compatible server speaks OpenAI's API; the convention names the API's owner.
  'openai-compatible': GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  azure: GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  anthropic: GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  bedrock: GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  gemini: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  vertex: GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  // The built-in test provider has no conventional name; a product-prefixed one cannot collide.
  echo: 'palisade.echo',
};

/** `gen_ai.provider.name` of each configured provider, by its configured name. */
export function genAiProviderNames(providers: readonly ProviderConfig[]): ReadonlyMap<string, string> {
  return new Map(providers.map((p) => [p.name, PROVIDER_NAMES[p.type]]));
}

/** `gen_ai.operation.name` of a served API (`openai.chat`, `anthropic.messages`, ...). */
export function genAiOperation(api: string): string {
  return api.endsWith('embeddings') ? GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS : GEN_AI_OPERATION_NAME_VALUE_CHAT;
}
