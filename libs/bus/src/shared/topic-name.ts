const LEGAL_TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** Why a topic name is unusable (Kafka's rules, applied to every adapter alike), or null when it is fine. */
export function topicNameProblem(topic: string): string | null {
  if (typeof topic !== 'string' || !LEGAL_TOPIC.test(topic)) {
    return `topic ${JSON.stringify(topic)} must be 1-249 characters of letters, digits, '.', '_' or '-'`;
  }
  if (topic === '.' || topic === '..') return `topic ${JSON.stringify(topic)} is reserved`;
  return null;
}
