"""The chosen intent classifier against the TF-IDF baseline on training messages neither saw.

A held-out file written by the same hand as the training data is easy for both models, and
every line of it read while choosing the model flatters the chosen one. Five stratified folds
of `data/nlu` have neither flaw: each model trains on four fifths and is scored on the fifth.
The intent classifier alone (`nlu.intents`, lexicon and stems included), without Rasa's
fallback; the baseline exactly as `bench/nlu_baseline.py` builds it.

    PYTHONPATH=. .venv-nlu/bin/python bench/nlu_folds.py
"""

from __future__ import annotations

from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold

from bench.nlu_baseline import ROOT, baseline_predictions, load_examples
from nlu.intents import TfidfIntentClassifier, classifier_text, load_lexicon, new_pipeline

FOLDS = 5


def fold_accuracies() -> tuple[list[float], list[float]]:
    """Accuracy of the chosen classifier and of the baseline on each fold (tests/nlu too)."""
    texts, intents = load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    lexicon = load_lexicon()
    prepared = [classifier_text(text, lexicon) for text in texts]
    config = TfidfIntentClassifier.get_default_config()
    chosen, baseline = [], []
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=0).split(texts, intents):
        truth = [intents[i] for i in test]
        model = new_pipeline(config["C"], config["max_iter"])
        model.fit([prepared[i] for i in train], [intents[i] for i in train])
        chosen.append(accuracy_score(truth, model.predict([prepared[i] for i in test])))
        guessed = baseline_predictions(
            [texts[i] for i in train], [intents[i] for i in train], [texts[i] for i in test]
        )
        baseline.append(accuracy_score(truth, guessed))
    return chosen, baseline


def main() -> None:
    chosen, baseline = fold_accuracies()
    print(f"{FOLDS}-fold cross-validation on data/nlu, accuracy per fold:")
    print("  nlu.intents classifier: " + " ".join(f"{a:.3f}" for a in chosen))
    print("  TF-IDF + LR baseline:   " + " ".join(f"{a:.3f}" for a in baseline))
    mean_chosen, mean_baseline = sum(chosen) / FOLDS, sum(baseline) / FOLDS
    print(f"  mean: {mean_chosen:.3f} against {mean_baseline:.3f}, "
          f"lead {100 * (mean_chosen - mean_baseline):+.1f} points")  # fmt: skip


if __name__ == "__main__":
    main()
