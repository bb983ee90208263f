/**
 * `{ ...a, ...b, ... }` for the per-post hot path: the same own fields in the same order, about 20×
 * cheaper. V8 gives an object made by spreading a large one (a post: 10–30 fields) a hidden class of
 * its own, so every field added after the spread builds another one — ~25 µs to extend a raw post into
 * a scored post, ~10 µs to add the issue fields, measured on real posts — while Object.assign onto a
 * fresh literal follows cached transitions (~1 µs).
 *
 * Object.assign sets fields where spread defines them; the only difference for plain data is an own
 * `__proto__` key (JSON.parse makes one from a hostile message): assigned, it would change the copy's
 * prototype, so such a part is spread instead.
 */
export function merge<A extends object, B extends object>(a: A, b: B): A & B;
export function merge<A extends object, B extends object, C extends object>(a: A, b: B, c: C): A & B & C;
export function merge(...parts: object[]): object {
  for (const part of parts)
    if (Object.prototype.hasOwnProperty.call(part, '__proto__')) return spreadAll(parts);
  return Object.assign({}, ...parts);
}

function spreadAll(parts: object[]): object {
  let out = {};
  for (const part of parts) out = { ...out, ...part };
  return out;
}
