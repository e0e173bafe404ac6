import { canonicalJson, sha256Hex, type ToolDefinition } from '@palisade/schema';
import { createTwoFilesPatch } from 'diff';

/** The definition without volatile metadata (`_meta`), as it is pinned. */
export function pinnedShape(definition: ToolDefinition): ToolDefinition {
  const { _meta: _ignored, ...rest } = definition as ToolDefinition & { _meta?: unknown };
  return rest;
}

/** SHA-256 of the canonical definition (description, schemas, annotations; `_meta` left out). */
export function definitionHash(definition: ToolDefinition): string {
  return sha256Hex(canonicalJson(pinnedShape(definition)));
}

/** Text split at sentence ends and line breaks, so a diff shows which sentence changed. */
function sentenceLines(text: string): string[] {
  return text
    .split(/\n|(?<=[.!?])\s+(?=\S)/)
    .map((line) => line.trimEnd())
    .filter((line, i, all) => line.length > 0 || (i > 0 && all[i - 1] !== ''));
}

/** A readable rendering of a definition: the description by sentence, then the schema as indented JSON. */
export function renderDefinition(definition: ToolDefinition): string {
  const { name, title, description, ...rest } = pinnedShape(definition);
  const lines = [`name: ${name}`];
  if (title !== undefined) lines.push(`title: ${title}`);
  lines.push('description:');
  for (const line of sentenceLines(description ?? '')) lines.push(`  ${line}`);
  const others = JSON.parse(canonicalJson(rest)) as Record<string, unknown>;
  for (const [key, value] of Object.entries(others)) {
    lines.push(`${key}:`);
    for (const line of JSON.stringify(value, null, 2).split('\n')) lines.push(`  ${line}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Unified diff between two definitions, as an analyst reads it. */
export function diffDefinitions(before: ToolDefinition, after: ToolDefinition, beforeLabel = 'pinned', afterLabel = 'current'): string {
  return createTwoFilesPatch(`${before.name} (${beforeLabel})`, `${after.name} (${afterLabel})`, renderDefinition(before), renderDefinition(after), undefined, undefined, { context: 3 });
}
