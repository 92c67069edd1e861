"""Fit the Persuasion-v0 intent model on the PersuasionForGood strategy annotation (Apache-2.0).

Reads ``p4g_annotated_dev.jsonl`` from ``--data`` (default ``../shared/realdata``), keeps the
dialogues of the ``fit`` part (the fixed 1-in-5 ``holdout`` part of ``benchmarks/realdata.py``
is never seen), chooses the L2 strength and whether to add word stems by 5-fold cross-validation
over dialogues of the fit part, fits on the whole fit part and writes
``dialgym/tasks/persuasion/intent_model.json``. Classes are weighted equally (as macro-F1 weighs
them) and function words are no features alone (so "about" or "not" cannot make a strategy).

Cross-validation measures the recogniser as it runs: the task's rules first, the fold's model for
the sentences the rules leave without a strategy. It picks the best macro-F1 over the 10
strategies among the settings that leave at most 10% of the strategy sentences unheard (stronger
regularisation buys a little F1 with more sentences unheard, and a user that does not hear a real
persuader punishes them more than one that hears a neighbouring strategy). The script prints
every setting's scores, then the held-out macro-F1 of the chosen model, alone and in the recogniser.

    python benchmarks/fit_intent_model.py [--data ../shared/realdata] [--threshold 0.2] [--out PATH]

Measured (issue 12, 2026-12-02, recogniser cross-validated macro-F1 / unheard): without stems 0.567
/ 9.5% at l2 1e-3 (the shipped setting before, 0.550 with the old inquiry rules); with stems 0.576 /
8.3% (1e-3), **0.579 / 9.6% (2e-3, chosen)**, 0.580 / 11.7% (3e-3). Held out: 0.639 here, 0.635
through the env in ``benchmarks/realdata.py`` (0.605 before). Tried earlier and not better by more
than fold noise (single folds range 0.52-0.59): min_count 1, unbalanced classes, character 4-grams,
thresholds 0.1-0.5, fitting only on the sentences the rules leave without a strategy, and letting a
confident model (p >= 0.5) overrule the rules (+0.002). Later (2026-12-02): rules for asks in other words
("I'd like you to give", "are you planning to donate?", "can the kids count on you?") took the chosen
setting to 0.583 (same model). Self-training on the 451 unannotated dev dialogues of the fit part (their
sentences labelled by the rules alone, by the fold's model at p >= 0.7, or both) did not help (0.579,
0.577, 0.573), and neither did more data: 3-, 5- and 10-fold cross-validation gave 0.576, 0.579, 0.575 (before
those rules).
Later still (2026-12-02): chat shorthand written out by the normaliser ("u", "dont", "thx") and rules widened
on a blind paraphrase set of plain-English persuader turns (``benchmarks/paraphrases/persuasion.jsonl``,
tuned on its ``tune`` part only): refitted, 0.590 / 9.4% (2e-3, chosen; 0.587 / 8.2% at 1e-3), held out 0.643
here, 0.638 through the env.

Deterministic: the same data gives the same file.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from dialgym.simulators.intent_model import NONE, IntentModel, fit
from dialgym.simulators.scripted import normalize_for_matching
from dialgym.tasks.persuasion.user import RECOGNIZER
from dialgym.utils.progress import progress_bar

try:  # run as a script or as a module
    from benchmarks.realdata import P4G_STRATEGIES, holdout_part, read_jsonl, recognition_scores
except ImportError:  # pragma: no cover
    from realdata import P4G_STRATEGIES, holdout_part, read_jsonl, recognition_scores  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
#: the most strategy sentences a setting may leave unheard in cross-validation (the issue's bar for the dev split)
MAX_UNHEARD = 0.10
DEFAULT_OUT = HERE.parent / "dialgym" / "tasks" / "persuasion" / "intent_model.json"


def macro_f1(model: IntentModel, texts: Sequence[str], labels: Sequence[str]) -> float:
    """Macro-F1 over the P4G strategies of the model alone (its one act per sentence, or none)."""
    pred = [(model.predict(t) or (NONE, ""))[0] for t in texts]
    return recogniser_macro_f1([[p] for p in pred], labels)


def recogniser_scores(heard: Sequence[Sequence[str]], labels: Sequence[str]) -> tuple[float, float]:
    """Macro-F1 over the P4G strategies of the acts heard in each sentence, and the unheard share."""
    scores = recognition_scores([lab if lab != NONE else None for lab in labels], heard, P4G_STRATEGIES)
    return float(scores["macro_f1"]), float(scores["unheard_share"])


def recogniser_macro_f1(heard: Sequence[Sequence[str]], labels: Sequence[str]) -> float:
    """Macro-F1 over the P4G strategies of the acts heard in each sentence (a sentence may carry several)."""
    return recogniser_scores(heard, labels)[0]


def hear_with(model: IntentModel | None, texts: Sequence[str]) -> list[list[str]]:
    """The acts Persuasion-v0's recogniser hears in each (normalised) text with ``model`` as its backstop.

    The task's own recogniser (its rules, rapport and topic words, the acts the model may report),
    with only the model swapped: what cross-validation measures is the recogniser as it runs.
    """
    rec = copy.copy(RECOGNIZER)  # a copy starts with an empty memo (IntentRecognizer.__getstate__)
    rec.model = model
    return [rec.recognize_normalized(t) for t in texts]


def fit_on(
    texts: Sequence[str], labels: Sequence[str], l2: float, stems: bool, threshold: float, about: dict | None = None
) -> IntentModel:
    """The shipped recipe: classes weighted equally, no function-word unigrams; ``l2`` and ``stems`` as chosen."""
    return fit(
        texts, labels, l2=l2, threshold=threshold, about=about, balanced=True, content_unigrams=True, stems=stems
    )


def fold_of(dialogue_id: str, k: int) -> int:
    return int(hashlib.sha256(f"fold:{dialogue_id}".encode()).hexdigest(), 16) % k


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(HERE.parent.parent / "shared" / "realdata"))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.2, help="the least probability at which an act is heard")
    args = ap.parse_args(argv)
    rows = read_jsonl(Path(args.data) / "p4g_annotated_dev.jsonl")
    texts = [normalize_for_matching(r["text"]) for r in rows]
    labels = [r["act"] or NONE for r in rows]
    fit_idx = [i for i, r in enumerate(rows) if not holdout_part(r["dialogue_id"])]
    hold_idx = [i for i, r in enumerate(rows) if holdout_part(r["dialogue_id"])]

    # (l2, stems): chosen by the recogniser's cross-validated macro-F1 over dialogues of the fit part
    grid = [(l2, stems) for stems in (False, True) for l2 in (1e-3, 2e-3, 3e-3)]
    cv: dict[tuple[float, bool], list[list[str]]] = {g: [[] for _ in rows] for g in grid}
    for fold in progress_bar(range(args.folds), total=args.folds, desc="folds"):
        tr = [i for i in fit_idx if fold_of(rows[i]["dialogue_id"], args.folds) != fold]
        va = [i for i in fit_idx if fold_of(rows[i]["dialogue_id"], args.folds) == fold]
        for l2, stems in grid:
            model = fit_on([texts[i] for i in tr], [labels[i] for i in tr], l2, stems, args.threshold)
            for i, acts in zip(va, hear_with(model, [texts[i] for i in va]), strict=True):
                cv[(l2, stems)][i] = acts
    fit_labels = [labels[i] for i in fit_idx]
    scores = {g: recogniser_scores([heard[i] for i in fit_idx], fit_labels) for g, heard in cv.items()}
    for (l2, stems), (f1, unheard) in scores.items():
        print(f"l2={l2:.0e} stems={stems!s:5}: cross-validated recogniser macro-F1 {f1:.3f}, unheard {unheard:.1%}")
    # the best macro-F1 among the settings that leave at most MAX_UNHEARD of the strategy sentences unheard
    # (stronger regularisation buys a little F1 with more sentences unheard, which punishes real persuaders)
    allowed = {g: v for g, v in scores.items() if v[1] <= MAX_UNHEARD} or scores
    (l2, stems), (best, _) = max(allowed.items(), key=lambda kv: kv[1][0])
    about = {
        "data": "PersuasionForGood strategy annotation (Wang et al., ACL 2019), dev split, fit part only",
        "licence": "Apache-2.0 (the PersuasionForGood repository's LICENSE)",
        "sentences": len(fit_idx),
        "l2": l2,
        "balanced": True,
        "cv_macro_f1_recogniser": round(best, 4),
    }
    model = fit_on([texts[i] for i in fit_idx], fit_labels, l2, stems, args.threshold, about)
    hold_texts, hold_labels = [texts[i] for i in hold_idx], [labels[i] for i in hold_idx]
    alone = macro_f1(model, hold_texts, hold_labels)
    combined = recogniser_macro_f1(hear_with(model, hold_texts), hold_labels)
    model.about["holdout_macro_f1_model_alone"] = round(alone, 4)
    model.about["holdout_macro_f1_recogniser"] = round(combined, 4)
    model.save(args.out)
    size = Path(args.out).stat().st_size
    print(
        f"chose l2={l2:.0e} stems={stems} (cv {best:.3f}); held-out macro-F1: recogniser {combined:.3f}, "
        f"model alone {alone:.3f}"
    )
    n_features = len(json.loads(Path(args.out).read_text())["weights"])
    print(f"wrote {args.out} ({size / 1024:.0f} KiB, {n_features} features)")


if __name__ == "__main__":
    main()
