#!/usr/bin/env bash
# Cross-source hoax evaluation with the pantau CLI. Run from the repository root; the labelled sets are
# read from ../shared/data/hoax (never copied into the repository). Models go to a temporary directory.
#   bash packages/nlp-id/scripts/eval-hoax.sh
set -euo pipefail
DATA=${DATA:-../shared/data/hoax}
OUT=$(mktemp -d)
pantau() { node packages/cli/bin/pantau.js "$@"; }

pantau hoax train --data "$DATA/mafindo-train.csv" --out "$OUT/mafindo.json" --version mafindo-train
pantau hoax train --data "$DATA/headlines2024-train.csv" --out "$OUT/headlines.json" --version headlines2024-train
# Plain TF-IDF features (no naive-Bayes scaling), for comparison with the README baseline.
pantau hoax train --data "$DATA/mafindo-train.csv" --out "$OUT/mafindo-plain.json" --version mafindo-train-plain --nb-scaling 0
# Word model blended with hashed character 3-5-grams (15 % of the vector norm), for comparison.
pantau hoax train --data "$DATA/mafindo-train.csv" --out "$OUT/mafindo-char.json" --version mafindo-train-char --char-ngrams 3-5 --char-weight 0.15
pantau hoax train --data "$DATA/headlines2024-train.csv" --out "$OUT/headlines-char.json" --version headlines2024-train-char --char-ngrams 3-5 --char-weight 0.15

for pair in \
  "mafindo.json mafindo-test" \
  "mafindo.json headlines2024-test" \
  "mafindo-plain.json mafindo-test" \
  "mafindo-plain.json headlines2024-test" \
  "headlines.json mafindo-test" \
  "headlines.json headlines2024-test" \
  "mafindo-char.json mafindo-test" \
  "mafindo-char.json headlines2024-test" \
  "headlines-char.json mafindo-test" \
  "headlines-char.json headlines2024-test" \
  "DEFAULT mafindo-test" \
  "DEFAULT headlines2024-test"; do
  set -- $pair
  model=$OUT/$1
  [ "$1" = DEFAULT ] && model=packages/nlp-id/data/hoax-model.json
  printf '%-40s %-20s ' "$(basename "$model")" "$2"
  pantau hoax eval --model "$model" --data "$DATA/$2.csv" | tail -n 1
done
rm -rf "$OUT"
