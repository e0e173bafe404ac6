/** A dynamic route segment as text: decoded once, and kept as is when it is not valid percent-encoding. */
export function segment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
