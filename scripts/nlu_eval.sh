#!/usr/bin/env bash
# `make nlu-eval`: evaluate the NLU model with stock `rasa test nlu`, on the held-out test file
# and by 3-fold cross-validation on the training data; reports land in results/.
source "$(dirname "$0")/lib.sh"
ensure_nlu_venv
ensure_model
cd "$ROOT"
rm -rf results/test results/cv
with_progress "rasa test nlu (data/test)" results-test.log \
  "$NLU_VENV/bin/rasa" test nlu --nlu data/test/nlu_test.yml --model "$(model_path)" --out results/test --successes
mkdir -p results && mv results-test.log results/test.log
if [[ "${NLU_EVAL_CV:-1}" == "1" ]]; then
  with_progress "rasa test nlu --cross-validation (3 folds)" results-cv.log \
    "$NLU_VENV/bin/rasa" test nlu --nlu data/nlu --config config.yml --cross-validation --folds 3 --out results/cv
  mv results-cv.log results/cv.log
fi
"$NLU_VENV/bin/python" -m nlu.report results/test results/cv
