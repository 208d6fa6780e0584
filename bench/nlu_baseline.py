"""Compare the Rasa model with a TF-IDF + logistic-regression baseline, and tune the fallback.

Both are trained on data/nlu and scored on the held-out data/test file, then on the same file
with typos put in (`with_typos`: what hurried thumbs do to it). Rasa is asked through its
running HTTP server (`--rasa-url`), exactly as the bot asks it. The last table sweeps the
FallbackClassifier threshold over Rasa's raw confidences: a message counts as handled well when
it is classified correctly above the threshold, or sent to fallback when it would have been
wrong (an out_of_scope message sent to fallback counts as well handled too).

Runs in the NLU virtualenv (it has scikit-learn): `make bench` starts Rasa and runs it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import make_pipeline, make_union

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def load_examples(paths: list[Path]) -> tuple[list[str], list[str]]:
    """Texts and intents from Rasa YAML training files, annotations stripped."""
    texts, intents = [], []
    for path in paths:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            for raw in block["examples"].splitlines():
                line = raw.strip()
                if line.startswith("- "):
                    texts.append(ANNOTATION.sub(r"\1", line[2:]))
                    intents.append(block["intent"])
    return texts, intents


def with_typos(texts: list[str], seed: int = 1, share: float = 0.25) -> list[str]:
    """The texts as typed in a hurry: one in four words of four letters or more gets one slip
    inside it (a letter dropped, two swapped, one replaced or one added), seeded so that every
    run reads the same file."""
    rng = random.Random(seed)

    def slip(word: str) -> str:
        if len(word) < 4 or not word.isalpha() or rng.random() >= share:
            return word
        at, kind, letter = (
            rng.randrange(1, len(word) - 1),
            rng.choice("drsi"),
            rng.choice("aiueonrstkgm"),
        )
        return {
            "d": word[:at] + word[at + 1 :],
            "s": word[:at] + word[at + 1] + word[at] + word[at + 2 :],
            "r": word[:at] + letter + word[at + 1 :],
            "i": word[:at] + letter + word[at:],
        }[kind]

    return [" ".join(slip(word) for word in text.split()) for text in texts]


def with_abbreviations(texts: list[str], seed: int = 2, share: float = 0.25) -> list[str]:
    """The texts as chat shortens them: one in four words of five letters or more loses its
    vowels, all but a first letter ("daftar" -> "dftr", "sekitar" -> "sktr"), seeded."""
    rng = random.Random(seed)

    def shorten(word: str) -> str:
        if len(word) < 5 or not word.isalpha() or rng.random() >= share:
            return word
        return word[0] + "".join(letter for letter in word[1:] if letter.lower() not in "aeiou")

    return [" ".join(shorten(word) for word in text.split()) for text in texts]


def rasa_parse(url: str, token: str, text: str) -> dict:
    """One /model/parse call."""
    request = urllib.request.Request(
        f"{url}/model/parse?token={token}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def raw_top(parsed: dict) -> tuple[str, float]:
    """The classifier's own best intent and confidence, before the fallback stepped in."""
    for item in parsed.get("intent_ranking") or []:
        if item["name"] != "nlu_fallback":
            return item["name"], float(item["confidence"])
    return parsed["intent"]["name"], float(parsed["intent"]["confidence"])


def off_topic_recall(truth: list[str], predictions: list[str]) -> float:
    """Share of the out_of_scope messages classified as out_of_scope (a fallback does not count:
    the user then gets a clarifying question, not "that is outside what we do")."""
    pairs = [(t, p) for t, p in zip(truth, predictions, strict=True) if t == "out_of_scope"]
    return sum(p == t for t, p in pairs) / len(pairs) if pairs else float("nan")


def baseline_predictions(
    train_texts: list[str], train_intents: list[str], test_texts: list[str]
) -> list[str]:
    """The yardstick: TF-IDF on raw words and character n-grams, logistic regression."""
    baseline = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        ),
        LogisticRegression(max_iter=2000, C=10),
    )
    baseline.fit(train_texts, train_intents)
    return list(baseline.predict(test_texts))


def baseline_accuracy(changed: Callable[[list[str]], list[str]] | None = None) -> float:
    """The baseline's accuracy on the held-out file, as written or `changed` (`with_typos`,
    `with_abbreviations`; tests/nlu compares the model with it)."""
    train_texts, train_intents = load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    test_texts, test_intents = load_examples([ROOT / "data" / "test" / "nlu_test.yml"])
    if changed is not None:
        test_texts = changed(test_texts)
    predictions = baseline_predictions(train_texts, train_intents, test_texts)
    return float(accuracy_score(test_intents, predictions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument(
        "--test-file",
        type=Path,
        default=ROOT / "data" / "test" / "nlu_test.yml",
        help="held-out examples to score (a new part alone, before it joins the file)",
    )
    arguments = parser.parse_args()

    train_texts, train_intents = load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    test_texts, test_intents = load_examples([arguments.test_file])

    started = time.perf_counter()
    baseline = baseline_predictions(train_texts, train_intents, test_texts)
    baseline_seconds = time.perf_counter() - started

    started = time.perf_counter()
    parsed = [rasa_parse(arguments.rasa_url, arguments.token, text) for text in test_texts]
    rasa_seconds = time.perf_counter() - started
    rasa_predictions = [p["intent"]["name"] for p in parsed]

    print(f"test examples: {len(test_texts)}, training examples: {len(train_texts)}")
    print(f"{'model':<34}{'accuracy':>10}{'macro-F1':>10}{'off-topic':>11}")
    accuracies = []
    for name, predictions in (
        ("Rasa (config.yml, with fallback)", rasa_predictions),
        ("TF-IDF + logistic regression", baseline),
    ):
        accuracy = accuracy_score(test_intents, predictions)
        accuracies.append(accuracy)
        macro = f1_score(test_intents, predictions, average="macro", zero_division=0)
        off_topic = off_topic_recall(test_intents, predictions)
        print(f"{name:<34}{accuracy:>10.3f}{macro:>10.3f}{off_topic:>11.3f}")
    print(f"Rasa over the baseline: {100 * (accuracies[0] - accuracies[1]):+.1f} points")
    for label, change in (("with typos", with_typos), ("with vowels dropped", with_abbreviations)):
        changed = change(test_texts)
        read = [
            rasa_parse(arguments.rasa_url, arguments.token, text)["intent"]["name"]
            for text in changed
        ]
        guessed = baseline_predictions(train_texts, train_intents, changed)
        print(
            f"{label}: Rasa {accuracy_score(test_intents, read):.3f}, "
            f"baseline {accuracy_score(test_intents, guessed):.3f}"
        )
    wrong = [
        (text, truth, got)
        for text, truth, got in zip(test_texts, test_intents, rasa_predictions, strict=True)
        if truth != got
    ]
    print(f"\nRasa's misses ({len(wrong)}):")
    for text, truth, got in wrong:
        print(f"  {truth:<24} -> {got:<24} {text}")
    print(
        f"baseline training {baseline_seconds:.1f} s; Rasa {len(test_texts)} parses "
        f"in {rasa_seconds:.1f} s ({1000 * rasa_seconds / len(test_texts):.1f} ms each)"
    )

    print("\nFallbackClassifier threshold sweep (Rasa raw confidences):")
    print(f"{'threshold':>10}{'handled well':>14}{'to fallback':>13}")
    tops = [raw_top(p) for p in parsed]
    best = (0.0, 0.0)
    for step in range(10, 85, 5):
        threshold = step / 100
        well = fallback = 0
        for (intent, confidence), truth in zip(tops, test_intents, strict=True):
            if confidence < threshold:
                fallback += 1
                well += intent != truth or truth == "out_of_scope"
            else:
                well += intent == truth
        share = well / len(tops)
        best = max(best, (share, threshold))  # ties: the higher threshold asks more, guesses less
        print(f"{threshold:>10.2f}{share:>14.3f}{fallback:>13}")
    print(f"best threshold on this file: {best[1]:.2f} ({best[0]:.3f} handled well)")


if __name__ == "__main__":
    main()
