/** Events analysed per chunk: the engine works on one chunk while the store writes the previous one. */
export const PIPELINE_CHUNK = 1000;
/**
 * Size of a bus batch's first and last chunks. The two stages overlap only inside a batch: before the
 * offsets are committed the last write must land (the engine waits), and the next batch's first chunk is
 * analysed before anything reaches the writer (the writer waits). Small edge chunks keep both waits short.
 */
export const PIPELINE_EDGE_CHUNK = 200;

/** `[start, end)` ranges cutting `length` messages into a small first chunk, full chunks, a small last chunk. */
export function pipelineChunks(length: number, chunk = PIPELINE_CHUNK, edge = PIPELINE_EDGE_CHUNK): [number, number][] {
  const ranges: [number, number][] = [];
  const head = Math.min(edge, length);
  const tail = Math.min(edge, length - head);
  if (head > 0) ranges.push([0, head]);
  const middleEnd = length - tail;
  for (let start = head; start < middleEnd; start += chunk) ranges.push([start, Math.min(start + chunk, middleEnd)]);
  if (tail > 0) ranges.push([middleEnd, length]);
  return ranges;
}
