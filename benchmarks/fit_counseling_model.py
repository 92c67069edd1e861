"""Fit the Counseling-v0 intent model on our own paraphrase corpus (no ESConv text, no ESConv labels).

ESConv, the corpus Counseling-v0 is measured on, is CC BY-NC 4.0: neither its sentences nor a model
trained on them may ship. This model is trained only on ``benchmarks/paraphrases/counseling_corpus.py``
(templates and phrases we wrote), sentence by sentence, normalised exactly as the recogniser
normalises what it hears. The recogniser consults it only for sentences its hand-written rules leave
without a strategy, and only when the top probability reaches ``THRESHOLD``
(see ``CounselingRecognizer`` in ``dialgym/tasks/counseling/language.py``).

``L2``, ``PER_LABEL`` and ``THRESHOLD`` were chosen by measuring the combined recogniser on the tune part
of the ESConv development rows (the way the hand-written rules were tuned); nothing here reads them.
``--freeform-repeats`` sets how many times the hand-written free-form sentences of
``benchmarks/paraphrases/counseling_freeform.py`` (~75-130 per label, no templates) join the template
corpus (``fit`` has no sample weights, so repetition is the weight). It is 0: tried on 2026-12-02 and it
did not help. The free-form sentences were written to add variety the templates lack, but the backstop
only reads sentences the rules leave without a strategy, and the rules already hear most of what was
written. ESConv dev macro-F1 with the shipped settings (no free-form) was fit 0.526 / holdout 0.511
(unheard 10.6% / 10.3%); with 1-10 repeats, ``L2`` 1e-2/1e-3/1e-4, ``THRESHOLD`` 0.3/0.4/0.5,
``PER_LABEL`` 200/400 and extra weight on the free-form sentences the rules miss, fit moved by
-0.004..+0.002 and holdout by -0.007..+0.0003 (best fit 0.5285 at 3 repeats, ``L2`` 1e-4, holdout
0.5086; holdout rose only where fit fell): noise-sized, so the shipped model stays the template-only one.

Prints the model's accuracy on a fresh draw of the corpus (another seed: templates shared, fillers
recombined) as a sanity check.

    python benchmarks/fit_counseling_model.py [--out PATH] [--freeform-repeats N]

Deterministic: the same corpus gives the same file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dialgym.simulators.intent_model import NONE, fit
from dialgym.simulators.scripted import split_sentences
from dialgym.tasks.counseling.language import normalize

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "paraphrases"))
from counseling_corpus import corpus  # noqa: E402
from counseling_freeform import FREEFORM  # noqa: E402

DEFAULT_OUT = HERE.parent / "dialgym" / "tasks" / "counseling" / "intent_model.json"
PER_LABEL = 400
L2 = 1e-3
THRESHOLD = 0.4
#: default of ``--freeform-repeats``: 0, because 1-10 repeats did not help on the ESConv fit part (docstring)
FREEFORM_REPEATS = 0


def freeform_pairs(repeats: int = FREEFORM_REPEATS) -> list[tuple[str, str]]:
    """The hand-written free-form sentences, ``repeats`` times over, label by label in file order."""
    return [(text, label) for label, texts in FREEFORM.items() for text in texts] * repeats


def sentences(pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for text, label in pairs:
        for s in split_sentences(normalize(text)):
            texts.append(s)
            labels.append(label)
    return texts, labels


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument(
        "--freeform-repeats",
        type=int,
        default=FREEFORM_REPEATS,
        help="times the free-form sentences join the template corpus (0: the shipped model; see above)",
    )
    args = ap.parse_args(argv)
    if args.freeform_repeats < 0:
        ap.error(f"--freeform-repeats {args.freeform_repeats} must be >= 0")
    repeats = args.freeform_repeats
    texts, labels = sentences(corpus(PER_LABEL, seed=0) + freeform_pairs(repeats))
    about = {
        "data": "benchmarks/paraphrases/counseling_corpus.py (our own templates; no ESConv text or labels)",
        "fit": f"benchmarks/fit_counseling_model.py: {PER_LABEL} texts per label, l2={L2}, balanced classes",
        "sentences": len(texts),
    }
    if repeats:
        about["data"] += " + benchmarks/paraphrases/counseling_freeform.py (our own free-form sentences)"
        about["fit"] += f", free-form sentences x{repeats}"
    model = fit(texts, labels, l2=L2, balanced=True, threshold=THRESHOLD, about=about)
    fresh_t, fresh_l = sentences(corpus(PER_LABEL // 4, seed=1))
    pred = [(model.predict(t) or (NONE, ""))[0] for t in fresh_t]
    acc = sum(p == y for p, y in zip(pred, fresh_l, strict=True)) / len(fresh_l)
    model.about["fresh_draw_accuracy"] = round(acc, 4)
    model.save(args.out)
    print(f"{len(texts)} sentences, {len(model.classes)} classes; accuracy on a fresh draw {acc:.3f}; wrote {args.out}")


if __name__ == "__main__":
    main()
