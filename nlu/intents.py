"""The intent classifier: TF-IDF over normalised words and character n-grams, then logistic
regression.

Rasa's own LogisticRegressionClassifier reads raw counts from the featurisers, with a fixed
regularisation (C=1) that leaves most confidences under the fallback threshold, and the
WhitespaceTokenizer drops emojis, so "🙏" and "👍" reach it as empty messages. This component
reads the message text itself: each word through the slang and regional lexicon
(`nlu/lexicon.yml`, emojis included) and the stem of each word (Snowball's Indonesian
stemmer), sublinear TF-IDF on words, word pairs and character 2–5-grams. A mistyped word the
model never saw is first mended to the nearest word it knows (`Speller`). docs/nlu.md has the
comparison that chose it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import skops.io as sio
import snowballstemmer
import yaml
from rapidfuzz import process as fuzzy
from rapidfuzz.distance import OSA
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
_REPEATS = re.compile(r"(\w)\1{2,}")
_REDUPLICATION = re.compile(r"^(\w+)2$")
# Words, and the emojis that carry meaning on WhatsApp (one token each).
_WORDS = re.compile(r"[\w']+|[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_STEMMER = snowballstemmer.stemmer("indonesian")


def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, str]:
    """Read the slang lexicon; a broken file stops training with its own error."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {str(key).lower(): str(value).lower() for key, value in data.items()}


def normalise_word(word: str, lexicon: dict[str, str]) -> str:
    """Map one typed word to its standard form: "gmn" -> "bagaimana", "halooo" -> "halo"."""
    lowered = word.lower()
    if lowered in lexicon:
        return lexicon[lowered]
    squeezed = _REPEATS.sub(r"\1", lowered)
    if squeezed in lexicon:
        return lexicon[squeezed]
    doubled = _REDUPLICATION.match(squeezed)
    if doubled and not doubled.group(1).isdecimal():
        return lexicon.get(doubled.group(1), doubled.group(1))
    return squeezed


def normalised_text(text: str, lexicon: dict[str, str]) -> str:
    """The message as the classifier reads it: standard words, emojis kept, one space apart."""
    words = [normalise_word(word, lexicon) for word in _WORDS.findall(text.lower())]
    return " ".join(words) or text


class Speller:
    """Mends a mistyped word to the nearest word the model was trained on: "penginpan" ->
    "penginapan", "kunjungane" -> "kunjungan". Typos are what the baseline cannot read (on the
    held-out file with typos put in, docs/nlu.md). A word is left alone when the model knows it
    or its stem, and when it is a real Indonesian word (Sastrawi's dictionary of 29,000 root
    words, affixes taken off): "pimpinan" is not a typo of "simpanan", nor "kapal" of "kapan".
    One edit away for words under eight letters, two from eight; the commoner word wins a tie.
    A word written without its vowels, as chat writes ("dftr", "kunjngn", "sktr"), is the
    commonest known word it abbreviates (below).
    """

    MENDED = 20_000

    def __init__(self, known: Mapping[str, float]) -> None:
        """`known`: each word the model was trained on, with its inverse document frequency."""
        self._known = known
        self._choices = [word for word in known if word.isalpha() and len(word) >= 3]
        self._dictionary = Stemmer(ArrayDictionary(StemmerFactory().get_words_from_file()))
        # Bounded: a server meets new words for as long as it runs.
        self.mend = lru_cache(maxsize=self.MENDED)(self._mend)

    def _mend(self, word: str) -> str:
        if word in self._known or len(word) < 4 or not word.isalpha():
            return word
        if _STEMMER.stemWord(word) in self._known or self._is_indonesian(word):
            return word
        limit = 1 if len(word) < 8 else 2
        found = fuzzy.extract(word, self._choices, scorer=OSA.distance, score_cutoff=limit)
        if not found:
            return self._unabbreviated(word) or word
        nearest = min(distance for _, distance, _ in found)
        return min(
            (choice for choice, distance, _ in found if distance == nearest),
            key=lambda choice: self._known[choice],
        )

    def _unabbreviated(self, word: str) -> str | None:
        """The known word `word` writes without its vowels: "dftr" -> "daftar", "kunjngn" ->
        "kunjungan", "sktr" -> "sekitar" (chat's way of typing fast; the lexicon holds the
        commonest, "brp", "tgl", "dgn"). A word with one vowel at most, whose letters are the
        known word's in order, from its first letter to its last (or the vowel after it),
        leaving out one consonant at most; the commonest such word, or None."""
        if sum(letter in _VOWELS for letter in word) > 1:
            return None
        consonants = len(_consonants(word))
        found = [
            known
            for known in self._choices
            if known[0] == word[0]
            and (known[-1] == word[-1] or (known[-1] in _VOWELS and known[-2] == word[-1]))
            and len(_consonants(known)) - consonants <= 1
            and _in_order(word, known)
        ]
        return min(found, key=lambda known: self._known[known]) if found else None

    def _is_indonesian(self, word: str) -> bool:
        words = self._dictionary.get_dictionary()
        return words.contains(word) or self._dictionary.stem_word(word) != word


_VOWELS = frozenset("aeiou")


def _consonants(word: str) -> str:
    return "".join(letter for letter in word if letter not in _VOWELS)


def _in_order(short: str, word: str) -> bool:
    """Whether the letters of `short` appear in `word` in the same order."""
    letters = iter(word)
    return all(letter in letters for letter in short)


def classifier_text(
    text: str, lexicon: dict[str, str], mend: Callable[[str], str] | None = None
) -> str:
    """What the classifier reads: the normalised words (mended by `mend`, a `Speller`'s, once
    the model knows its words), then the stem of each word that has one ("dibatalkan" adds
    "batal", "penginapannya" "inap"), so a form of a word the training data never used still
    meets its root."""
    words = normalised_text(text, lexicon).split()
    if mend is not None:
        words = [mend(word) for word in words]
    stemmed = zip(_STEMMER.stemWords(words), words, strict=True)
    stems = [stem for stem, word in stemmed if stem != word]
    return " ".join(words + stems)


def new_pipeline(c: float, max_iter: int) -> Pipeline:
    """The untrained classifier (also built by bench/nlu_baseline.py's cross-validation)."""
    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True),
        ),
        LogisticRegression(C=c, max_iter=max_iter),
    )


def word_vectoriser(pipeline: Pipeline) -> TfidfVectorizer:
    """The pipeline's TF-IDF over words (the second of `new_pipeline`'s two)."""
    return pipeline.steps[0][1].transformer_list[1][1]


def known_words(pipeline: Pipeline) -> dict[str, float]:
    """The single words a trained pipeline knows, with their inverse document frequencies."""
    vectoriser = word_vectoriser(pipeline)
    return {
        term: float(vectoriser.idf_[column])
        for term, column in vectoriser.vocabulary_.items()
        if " " not in term
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfIntentClassifier(IntentClassifier, GraphComponent):
    """Classify intents from the normalised text; confidences are the model's probabilities."""

    FILE = "intent_classifier.skops"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 30.0, "max_iter": 3000, "ranking_length": 10}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Pipeline | None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._pipeline = pipeline
        self._lexicon = load_lexicon()
        self._speller = None if pipeline is None else Speller(known_words(pipeline))

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The lexicon's content, which the features are built through: Rasa's training cache
        keys on the config and the data alone, and restored the classifier trained with the
        old lexicon after a word was added (docs/nlu.md, "A cooperative's financing")."""
        return hashlib.sha256(LEXICON_PATH.read_bytes()).hexdigest()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        return cls(config, model_storage, resource, None)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        with model_storage.read_from(resource) as directory:
            path = directory / cls.FILE
            listed = sio.get_untrusted_types(file=path)
            # Only scikit-learn's and SciPy's sparse types belong in the file; refuse the rest.
            if foreign := [n for n in listed if not n.startswith(("sklearn.", "scipy.sparse."))]:
                raise ValueError(f"{path}: unexpected types {foreign}")
            pipeline = sio.load(path, trusted=listed)
        return cls(config, model_storage, resource, pipeline)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        self._pipeline = new_pipeline(self._config["C"], self._config["max_iter"])
        self._pipeline.fit(
            [classifier_text(m.get(TEXT), self._lexicon) for m in examples],
            [m.get(INTENT) for m in examples],
        )
        self._speller = Speller(known_words(self._pipeline))
        with self._storage.write_to(self._resource) as directory:
            sio.dump(self._pipeline, directory / self.FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._pipeline is None or not messages:
            return messages
        mend = self._speller.mend if self._speller else None
        texts = [classifier_text(m.get(TEXT) or "", self._lexicon, mend) for m in messages]
        labels = self._pipeline.classes_
        known = word_vectoriser(self._pipeline).vocabulary_
        rows = self._pipeline.predict_proba(texts)
        for message, text, row in zip(messages, texts, rows, strict=True):
            scored = zip(labels, row, strict=True)
            ranking = sorted(
                ({"name": str(name), "confidence": float(p)} for name, p in scored),
                key=lambda item: -item["confidence"],
            )
            # Not one word the model has seen ("xkcd qwpo", "?"): the character n-grams
            # still find a nearest intent, but nothing was understood; the fallback takes it.
            readable = any(word in known for word in text.split())
            top = ranking[0] if readable else {**ranking[0], "confidence": 0.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY, ranking[: self._config["ranking_length"]], add_to_output=True
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
