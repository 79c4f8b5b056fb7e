import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { temporal } = proto;
import { SA } from '../../workflows/messages/search-attributes';

const CLI_TYPE: Record<string, string> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  KEYWORD_LIST: 'KeywordList',
  TEXT: 'Text',
  BOOL: 'Bool',
  DOUBLE: 'Double',
  DATETIME: 'Datetime',
};
const PROTO_TYPE: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function searchAttributeCliFlags(): string[] {
  return Object.values(SA).flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE[k.type]}`]);
}

/**
 * Registers the project's search attributes on a cluster that lacks them (self-hosted clusters;
 * Temporal Cloud refuses this call and needs them added in its console, which we report).
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<string[]> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = Object.values(SA).filter((k) => !have.has(k.name));
  if (missing.length === 0) return [];
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, PROTO_TYPE[k.type]])),
  });
  return missing.map((k) => k.name);
}
