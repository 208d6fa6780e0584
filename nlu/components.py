"""Custom Rasa 3.6 components, registered the Rasa 3 way so stock `rasa train nlu` can use them.

Referenced from `config.yml` as `nlu.components.IndonesianNormalizer` and
`nlu.components.IndonesianEntityExtractor`; the project root must be on `PYTHONPATH` and
training runs from the project root (the extractor reads `data/knowledge/programs.yml`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import ENTITIES, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.codes import find_codes
from nlu.dates import find_dates
from nlu.numbers import find_counts
from nlu.programs import ProgramMatcher

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
_REPEATS = re.compile(r"(\w)\1{2,}")
_REDUPLICATION = re.compile(r"^(\w+)2$")


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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class IndonesianNormalizer(GraphComponent):
    """Rewrite each token's lemma to standard Indonesian before featurisation.

    The text and token offsets stay untouched, so entity spans in training data stay valid;
    CountVectorsFeaturizer reads lemmas (its `use_lemma` default), so it sees "bagaimana" for
    "gmn", "gimana" and "bgmn" alike.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IndonesianNormalizer:
        return cls(load_lexicon())

    def __init__(self, lexicon: dict[str, str]) -> None:
        self._lexicon = lexicon

    def _normalise(self, message: Message) -> None:
        tokens: list[Token] = message.get(TEXT_TOKENS) or []
        for token in tokens:
            token.lemma = normalise_word(token.text, self._lexicon)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalise(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalise(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class IndonesianEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Emit `date` (ISO date or `start/end`), `participants` (int), `code` and `program` (id).

    These are rules, not learned: a date must resolve to a real day relative to today in
    Asia/Jakarta, a group size must be an integer, and a program must be one of the programs
    staff list in `data/knowledge/programs.yml` (name and synonyms), which a statistical tagger
    cannot promise. The program aliases are read at training time and stored in the model, so
    the model stays self-contained.
    """

    ALIASES_FILE = "program_aliases.json"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"programs_file": "data/knowledge/programs.yml"}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IndonesianEntityExtractor:
        return cls({**cls.get_default_config(), **config}, model_storage, resource, {})

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> IndonesianEntityExtractor:
        with model_storage.read_from(resource) as directory:
            aliases = json.loads((directory / cls.ALIASES_FILE).read_text(encoding="utf-8"))
        return cls({**cls.get_default_config(), **config}, model_storage, resource, aliases)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        aliases: dict[str, str],
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._programs = ProgramMatcher(aliases)

    def train(self, training_data: TrainingData) -> Resource:
        self._programs = load_program_matcher(Path(self._config["programs_file"]))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.ALIASES_FILE).write_text(
                json.dumps(self._programs.aliases, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                *(("date", m.start_char, m.end_char, m.value) for m in find_dates(text)),
                *(("participants", m.start_char, m.end_char, m.value) for m in find_counts(text)),
                *(("code", m.start_char, m.end_char, m.value) for m in find_codes(text)),
                *(
                    ("program", m.start_char, m.end_char, m.value)
                    for m in self._programs.find(text)
                ),
            ]
            entities = [
                {"entity": name, "start": start, "end": end, "value": value}
                for name, start, end, value in found
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
        return messages


def load_program_matcher(path: Path) -> ProgramMatcher:
    """The program matcher for the knowledge file staff maintain."""
    with path.open(encoding="utf-8") as handle:
        return ProgramMatcher.from_programs((yaml.safe_load(handle) or {}).get("programs") or [])
