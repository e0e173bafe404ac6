/** A tool definition as readable text: name, description, then every other field as indented JSON. */
export function definitionText(definition: { name: string; description?: string; [key: string]: unknown }): string {
  const { name, description, _meta: _ignored, ...rest } = definition;
  const lines = [`name: ${name}`, 'description:', ...(description ?? '').split('\n').map((l) => `  ${l}`)];
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    lines.push(`${key}:`, ...JSON.stringify(value, null, 2).split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n');
}
