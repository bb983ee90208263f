#!/usr/bin/env bash
# Property-based fuzzing of the HTTP API from its own OpenAPI description (schemathesis, from PyPI):
# every operation with generated valid and invalid input, checking no 5xx, documented status codes,
# content types and response schemas. Not part of `npm test` (minutes long, needs Python): run it
# against a running API before changing routes or schemas.
#
#   npm start -- --no-replay                       # in another terminal (RATE_LIMIT_PER_MINUTE=0 helps)
#   bash scripts/fuzz-api.sh KEY [URL] [EXAMPLES]  # KEY: an agency admin key, then the operator key
#
# A 502 SOURCE_UNAVAILABLE on POST /v1/sources is expected on a machine without DNS (a source's host
# is resolved when it is created); everything else should pass.
set -euo pipefail
key=${1:?usage: fuzz-api.sh API_KEY [BASE_URL] [MAX_EXAMPLES]}
url=${2:-http://127.0.0.1:3000}
examples=${3:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${PANTAU_DATA_DIR:-$root/.data}/schemathesis
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'schemathesis>=4,<5'
fi
exec "$venv/bin/schemathesis" run "$url/openapi.json" \
  -H "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$examples" --request-timeout 20 \
  --exclude-path-regex '/v1/stream'
