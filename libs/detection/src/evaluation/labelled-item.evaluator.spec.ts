import { describe, expect, it } from 'vitest';
import { evaluateLabelledItems, expectedCategories } from './labelled-item.evaluator.js';

describe('expectedCategories', () => {
  it('counts a path_traversal alert as catching a server-side request forgery (ssrf) item', () => {
    expect(expectedCategories('ssrf', 'tool_call_arguments')).toEqual(['path_traversal']);
    expect(expectedCategories('ssrf(metadata)', 'tool_call_arguments')).toEqual(['path_traversal']);
  });
});

describe('evaluateLabelledItems', () => {
  it('scores an ssrf item caught when a path_traversal alert is raised for it', () => {
    const report = evaluateLabelledItems([
      { dataset: 't', item_id: 'file-url', surface: 'tool_call_arguments', label: 'malicious', attack_class: 'ssrf', payload: { params: { name: 'fetch', arguments: { path: '/etc/shadow' } } } },
    ]);
    expect(report.outcomes[0]?.flagged).toBe(true);
    expect(report.byClass.find((r) => r.key === 'ssrf')?.truePositives).toBe(1);
  });
});
