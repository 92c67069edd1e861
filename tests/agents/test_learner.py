"""agents/learner.py: the training loop BC and ILQL share, on Hugging Face Accelerate.

The single-process path is what every BC/ILQL test trains through (their resume and loss checks run on it);
here: its settings, mixed precision on a CPU, and a real two-process launch that writes one checkpoint.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("accelerate")

from dialgym.agents import bc, learner
from dialgym.agents.config import BCConfig
from dialgym.agents.models import build_tiny_model, fit_tokenizer

SEGMENTS = [("<|user|>hi<|end|><|assistant|>", False), ("hello there<|end|>", True), ("<|user|>bye", False)]


def _tiny(texts):
    tok = fit_tokenizer(texts, vocab_size=300)
    return build_tiny_model(tok, n_layer=1, n_embd=32, n_head=2, n_positions=64), tok


def test_make_accelerator_names_a_bad_setting():
    with pytest.raises(ValueError, match=r"mixed_precision='fp8'; expected one of \['no', 'fp16', 'bf16'\]"):
        learner.make_accelerator("cpu", "fp8")
    with pytest.raises(ValueError, match=r"device='gpu'; expected 'cpu' or 'auto'"):
        learner.make_accelerator("gpu")


def test_bf16_autocast_trains_on_a_cpu():
    """``mixed_precision="bf16"`` runs the loss under autocast (the path a GPU run takes with fp16/bf16)."""
    lm, tok = _tiny(["hi", "hello there", "bye"] * 5)
    m = bc.BCModel(lm, tok, BCConfig(steps=3, batch_size=2))
    stats = []
    acc = learner.make_accelerator("cpu", "bf16")
    assert acc.mixed_precision == "bf16"
    learner.fit(m, [(SEGMENTS, 1.0)] * 4, on_step=lambda step, s, opt: stats.append(s["loss"]), accelerator=acc)
    assert len(stats) == 3 and all(math.isfinite(x) for x in stats)
    learner.make_accelerator()  # back to the default for the tests that follow


def test_batch_smaller_than_the_processes_is_refused():
    class Two:
        num_processes = 2

    lm, tok = _tiny(["hi", "hello there", "bye"] * 5)
    m = bc.BCModel(lm, tok, BCConfig(steps=1, batch_size=1))
    with pytest.raises(ValueError, match="batch_size=1 is smaller than the 2 processes"):
        learner.fit(m, [(SEGMENTS, 1.0)], accelerator=Two())


@pytest.mark.slow
def test_two_cpu_processes_train_one_checkpoint_that_plays(tmp_path):
    """``torchrun --nproc_per_node 2 -m dialgym train bc`` (what ``accelerate launch --multi_gpu`` runs): the
    processes split each batch, one of them logs and checkpoints, and the agent plays."""
    torchrun = shutil.which("torchrun")
    if torchrun is None:
        pytest.skip("torchrun is not installed")
    from dialgym.data.collect import collect

    data = tmp_path / "d.jsonl"
    collect("Persuasion-v0", "behavior", episodes=8, seed=0, out=data, progress=False)
    out = tmp_path / "run"
    cmd = [torchrun, "--nproc_per_node", "2", "-m", "dialgym", "train", "bc", "--data", str(data), "--out", str(out),
           "--steps", "4", "--batch-size", "4", "--checkpoint-every", "2", "--quiet", "--n-layer", "1",
           "--n-embd", "32", "--n-head", "2", "--vocab-size", "400", "--threads", "1"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)  # hang guard only
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("trained bc for 4 steps") == 1  # one report, from the main process
    losses = json.loads((out / "losses.json").read_text())
    assert [r["step"] for r in losses] == [1, 2, 3, 4]  # logged once per step, not once per process
    assert sorted(p.name for p in out.iterdir()) == ["agent", "loss_curve.png", "losses.json", "train.json"]
    agent = bc.BCModel.from_pretrained(out)
    assert isinstance(agent.generate(["<|assistant|>"], max_new_tokens=4, seed=0)[0], str)
