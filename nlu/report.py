"""Print the headline figures of `rasa test nlu` reports: intent accuracy, macro-F1, entity F1.

Usage: python -m nlu.report RESULT_DIR [RESULT_DIR...] (directories that do not exist are
skipped, so the cross-validation part is optional).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def summarise(directory: Path) -> list[str]:
    """One line per report found in `directory`."""
    lines = []
    intent_report = directory / "intent_report.json"
    if intent_report.exists():
        report = json.loads(intent_report.read_text())
        lines.append(
            f"{directory}: intent accuracy {report['accuracy']:.3f}, "
            f"macro-F1 {report['macro avg']['f1-score']:.3f}"
        )
    # Each entity type has one owning extractor (DIET: organization; the rules: the rest), and
    # Rasa scores every extractor against every type, so take each type's best extractor.
    best: dict[str, tuple[float, str]] = {}
    for entity_report in sorted(directory.glob("*_report.json")):
        if entity_report.name in {"intent_report.json", "response_selection_report.json"}:
            continue
        extractor = entity_report.name.removesuffix("_report.json")
        for entity, scores in json.loads(entity_report.read_text()).items():
            if entity.endswith(" avg") or not isinstance(scores, dict):
                continue
            best[entity] = max(best.get(entity, (0.0, "")), (scores["f1-score"], extractor))
    if best:
        figures = ", ".join(f"{name} {f1:.3f} ({who})" for name, (f1, who) in sorted(best.items()))
        mean = sum(f1 for f1, _ in best.values()) / len(best)
        lines.append(f"{directory}: entity F1 by type: {figures}; mean {mean:.3f}")
    return lines


def main(arguments: list[str]) -> int:
    """Print every summary; fail when nothing was found."""
    lines = [line for name in arguments if Path(name).is_dir() for line in summarise(Path(name))]
    print("\n".join(lines) or "no rasa test reports found")
    return 0 if lines else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
