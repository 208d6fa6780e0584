"""Custom Rasa 3.6 components, registered the Rasa 3 way so stock `rasa train nlu` can use them.

Referenced from `config.yml` as `nlu.components.IndonesianEntityExtractor` (the intent
classifier is `nlu.intents.TfidfIntentClassifier`); the project root must be on `PYTHONPATH` and
training runs from the project root (the extractor reads `data/knowledge/programs.yml`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.codes import find_codes
from nlu.dates import find_dates
from nlu.numbers import find_counts
from nlu.programs import ProgramMatcher


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

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The programs file's content: a synonym added there retrains this component instead
        of Rasa's cache restoring it with the old names."""
        path = Path({**cls.get_default_config(), **config}["programs_file"])
        return hashlib.sha256(path.read_bytes()).hexdigest()

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
