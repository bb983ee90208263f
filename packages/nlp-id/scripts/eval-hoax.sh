#!/usr/bin/env bash
# Cross-source hoax evaluation with the pantau CLI. Run from the repository root; the labelled sets are
# read from ../shared/data/hoax (never copied into the repository). Models go to a temporary directory.
#   bash packages/nlp-id/scripts/eval-hoax.sh
set -euo pipefail
DATA=${DATA:-../shared/data/hoax}
OUT=$(mktemp -d)
pantau() { node packages/cli/bin/pantau.js "$@"; }

# Default: TF-IDF logistic regression by L-BFGS (C=10, balanced classes) with the naive-Bayes blend 0.5.
pantau hoax train --data "$DATA/mafindo-train.csv" --out "$OUT/mafindo.json" --version mafindo-train
pantau hoax train --data "$DATA/headlines2024-train.csv" --out "$OUT/headlines.json" --version headlines2024-train
# The scikit-learn recipe exactly (no naive-Bayes blend), for comparison with the README baseline.
pantau hoax train --data "$DATA/mafindo-train.csv" --out "$OUT/mafindo-plain.json" --version mafindo-train-plain --nb-scaling 0
# The previous default learner (AdaGrad, 6 epochs, stems, NB blend 0.5), for comparison.
pantau hoax train --data "$DATA/mafindo-train.csv" --out "$OUT/mafindo-adagrad.json" --version mafindo-train-adagrad --learner adagrad
pantau hoax train --data "$DATA/headlines2024-train.csv" --out "$OUT/headlines-adagrad.json" --version headlines2024-train-adagrad --learner adagrad

for pair in \
  "mafindo.json mafindo-test" \
  "mafindo.json headlines2024-test" \
  "mafindo-plain.json mafindo-test" \
  "mafindo-plain.json headlines2024-test" \
  "headlines.json mafindo-test" \
  "headlines.json headlines2024-test" \
  "mafindo-adagrad.json mafindo-test" \
  "mafindo-adagrad.json headlines2024-test" \
  "headlines-adagrad.json mafindo-test" \
  "headlines-adagrad.json headlines2024-test" \
  "DEFAULT mafindo-test" \
  "DEFAULT headlines2024-test"; do
  set -- $pair
  model=$OUT/$1
  [ "$1" = DEFAULT ] && model=packages/nlp-id/data/hoax-model.json
  printf '%-40s %-20s ' "$(basename "$model")" "$2"
  pantau hoax eval --model "$model" --data "$DATA/$2.csv" | tail -n 1
done
ls -l "$OUT"/*.json | awk '{print $5, $NF}'
rm -rf "$OUT"
