import { Type, type Static } from '@sinclair/typebox';
import { createValidator } from '@pantau/core';
import { SOURCE_KINDS } from './types';

/** The one schema of a source as a client writes it: the API body and each entry of sources.yaml. */
export const SourceInputSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' })),
    kind: Type.Union(SOURCE_KINDS.map((k) => Type.Literal(k))),
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    config: Type.Record(Type.String(), Type.Unknown()),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 7 * 24 * 3600 })),
    credentialsEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,127}$' })),
    paused: Type.Optional(Type.Boolean()),
    /** Where its posts are from (a regional outlet): a province or city id of GET /v1/regions. */
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' })),
  },
  { additionalProperties: false },
);
export type SourceInputBody = Static<typeof SourceInputSchema>;

export const SourcePatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 7 * 24 * 3600 })),
    credentialsEnv: Type.Optional(
      Type.Union([Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,127}$' }), Type.Null()]),
    ),
    paused: Type.Optional(Type.Boolean()),
    /** null removes it. */
    region: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' }), Type.Null()]),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type SourcePatchBody = Static<typeof SourcePatchSchema>;

/** sources.yaml: `sources:` — a list of sources, each with a stable `id`. */
export const SourcesFileSchema = Type.Object(
  {
    sources: Type.Array(
      Type.Composite(
        [
          Type.Omit(SourceInputSchema, ['id']),
          Type.Object({
            id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
          }),
        ],
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SourcesFile = Static<typeof SourcesFileSchema>;

export const validateSourcesFile = createValidator(SourcesFileSchema, 'sources file');
