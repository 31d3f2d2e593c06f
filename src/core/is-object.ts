// The check every reader of untrusted JSON starts with.

/** A plain object (not null, not an array): its fields can be read one by one. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
