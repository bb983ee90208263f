/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * A line of an input file that cannot be read (not JSON, no text…): exit code 2 like a usage mistake,
 * but printed with its file and line only — the usage text says nothing about the data.
 */
export class InputError extends UsageError {}
