"""The chosen intent classifier against the TF-IDF baseline on training messages neither saw.

A held-out file written by the same hand as the training data is easy for both models, and
every line of it read while choosing the model flatters the chosen one. Five stratified folds
of `data/nlu` have neither flaw: each model trains on four fifths and is scored on the fifth.
The intent classifier alone (`nlu.intents`, lexicon, stems and speller included), without
Rasa's fallback; the baseline exactly as `bench/nlu_baseline.py` builds it. Then again with
typos put in the scored fifth (`with_typos`).

    PYTHONPATH=. .venv-nlu/bin/python bench/nlu_folds.py
"""

from __future__ import annotations

from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold

from bench.nlu_baseline import ROOT, baseline_predictions, load_examples, with_typos
from nlu.intents import (
    Speller,
    TfidfIntentClassifier,
    classifier_text,
    known_words,
    load_lexicon,
    new_pipeline,
)

FOLDS = 5


def fold_accuracies(typos: bool = False) -> tuple[list[float], list[float]]:
    """Accuracy of the chosen classifier and of the baseline on each fold, the scored fifth as
    written or `with_typos` (tests/nlu too)."""
    texts, intents = load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    scored = with_typos(texts) if typos else texts
    lexicon = load_lexicon()
    config = TfidfIntentClassifier.get_default_config()
    chosen, baseline = [], []
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(texts, intents):
        truth = [intents[i] for i in test]
        model = new_pipeline(config["C"], config["max_iter"])
        model.fit([classifier_text(texts[i], lexicon) for i in train], [intents[i] for i in train])
        mend = Speller(known_words(model)).mend
        read = [classifier_text(scored[i], lexicon, mend) for i in test]
        chosen.append(accuracy_score(truth, model.predict(read)))
        guessed = baseline_predictions(
            [texts[i] for i in train], [intents[i] for i in train], [scored[i] for i in test]
        )
        baseline.append(accuracy_score(truth, guessed))
    return chosen, baseline


def main() -> None:
    for typos in (False, True):
        chosen, baseline = fold_accuracies(typos)
        print(f"{FOLDS}-fold cross-validation on data/nlu{', typos put in' if typos else ''}:")
        print("  nlu.intents classifier: " + " ".join(f"{a:.3f}" for a in chosen))
        print("  TF-IDF + LR baseline:   " + " ".join(f"{a:.3f}" for a in baseline))
        mean_chosen, mean_baseline = sum(chosen) / FOLDS, sum(baseline) / FOLDS
        print(f"  mean: {mean_chosen:.3f} against {mean_baseline:.3f}, "
              f"lead {100 * (mean_chosen - mean_baseline):+.1f} points")  # fmt: skip


if __name__ == "__main__":
    main()
