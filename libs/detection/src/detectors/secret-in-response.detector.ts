import type { DetectionContext } from '../engine/detection-context.js';
import { secretExposure, shouldRescan } from './secret-exposure.js';

/** secret_in_response: a tool result (or resource, prompt) carries secrets, keys or credential files. */
export function detectSecretInResponse(ctx: DetectionContext): void {
  const { view, engine } = ctx;
  const exposure = secretExposure(view, 'response', view.resultTextLeaves, shouldRescan(view, 'response', engine.options));
  if (!exposure) return;
  const what = view.tool ?? (typeof view.event['mcp.resource.uri'] === 'string' ? `resource ${view.event['mcp.resource.uri']}` : view.method);
  ctx.emit({
    category: 'secret_in_response',
    severity: exposure.severity,
    title: `Result of ${what} carries secrets (${exposure.types.slice(0, 3).join(', ')})`,
    tool: view.tool,
    evidence: {
      summary: `The result of ${what} on server "${view.server}" carries ${exposure.types.join(', ')}; the model (and anything it calls next) now holds ${exposure.types.length > 1 ? 'them' : 'it'}.`,
      matches: exposure.matches,
      ...(exposure.fingerprints.length ? { fingerprints: exposure.fingerprints } : {}),
      details: { types: exposure.types, ...(view.event['mcp.resource.uri'] ? { resource: view.event['mcp.resource.uri'] } : {}) },
    },
  });
}
