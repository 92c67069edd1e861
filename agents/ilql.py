"""Implicit Language Q-Learning (ILQL; Snell, Kostrikov, Su, Yang, Levine 2022), in one readable file.

Usage (any tokenized trajectories, not only dialgym's)::

    from dialgym.agents import ilql
    m = ilql.train(trajectories, model=hf_causal_lm, tokenizer=tok, config=ilql.ILQLConfig(steps=500))
    m.generate(["<prompt>"], max_new_tokens=32)   # beta: ILQLConfig.beta (16) unless given
    m.save_pretrained("runs/ilql"); m = ilql.ILQLModel.from_pretrained("runs/ilql")

A trajectory is ``(segments, reward)`` with ``segments = [(text, is_action), ...]`` (see ``agents/trajectories.py``).

The algorithm, token by token. Token ``x_t`` of an action segment is an action taken in state ``s_t`` whose
representation is the LM's hidden state ``h_{t-1}`` (the state that *predicts* ``x_t``). On one shared trunk:

* two Q heads ``Q_i(h) in R^A`` (double Q) over the *action vocabulary* ``A`` (see below), with Polyak-averaged
  copies ``Qhat_i`` (updated after every optimizer step, never trained by gradients), and a V head ``V(h) in R``;
* ``L_Q = sum_i (Q_i(s_t, x_t) - [r_t + gamma * (1 - done_t) * V(s_{t+1})].detach())^2`` where ``s_{t+1}`` is the
  next action token's state: inside an utterance that is ``h_t``; after an utterance's last token it is the state
  of the first token of the agent's *next* utterance (the user's reply is the environment's transition, its
  tokens are not actions); after the last action the episode is over (``done = 1``, its V is masked);
* ``L_V = expectile_tau( min_i Qhat_i(s_t, x_t) - V(s_t) )``: V regresses to an upper expectile of the target
  Qs of the data's actions, which is what makes ILQL an *implicit* max over in-support actions (stitching);
* ``L_CQL = sum_i CE(Q_i(s_t, .), x_t)``: a conservative term that pushes down Q of tokens the data did not take;
* ``L_pi = CE(logits(s_t), x_t)`` (BC), optionally AWAC-weighted by ``exp(awac_beta * (minQhat - V))``.

Inference samples from ``pi_beta(a|s) ∝ pi(a|s) * exp(beta * (minQhat(s, a) - V(s)))``: the policy (BC head)
log-probs perturbed by the advantage. ``beta = 0`` is exactly the BC policy. By default top-k/top-p is applied
to the policy log-probs *before* the advantage is added (``filter_order="before"``), so beta can only re-rank
tokens the policy considers plausible; ``"after"`` filters the perturbed scores instead.

Action vocabulary: by default (``ILQLConfig.action_vocab="data"``) the Q heads score only the tokens that occur
in action segments of the training data, not the whole vocabulary as the paper's code does. A token that is
never an action in the data has no TD target; all CQL does for it is push its Q down, so scoring it buys
nothing but a vocab-sized matmul per head. With a dialogue tokenizer the action vocabulary is small (67 to
297 of 4,000 tokens on dialgym's tasks; a pretrained LM's 49k-token vocabulary shrinks likewise), which
makes an ILQL step cost about what a BC step costs. CQL's softmax then runs over ``A``. At inference a
token outside ``A`` gets the lowest advantage of any token in ``A`` at that state: it is treated as the worst
action the data shows, never better. ``action_vocab="full"`` restores the paper's full-vocabulary heads.

Reading order: :func:`collate` (which state an action is taken in, which state follows, when the episode is
done), :func:`loss_terms` (the four losses), :meth:`ILQLModel.polyak_update`, :meth:`ILQLModel.score_hook`
(the advantage-perturbed sampling). The training loop, the optimizer, sampling's plumbing and checkpoint
folders are shared with BC (``agents/learner.py``).

Efficiency: Q and V are computed only at the gathered action states (``B*T x d`` hidden -> ``N x d``), the
target heads only for the taken action (a dot product, not a vocab-sized matmul), and generation reuses the
KV cache of the trunk.
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dialgym.agents.config import ILQLConfig
from dialgym.agents.learner import Learner, fit, make_optimizer
from dialgym.agents.models import lm_logits, load_lm_folder, max_positions, read_meta, require_torch, trunk
from dialgym.agents.sampling import Sampling, ScoreHook
from dialgym.agents.trajectories import Encoded, Trajectory, encode_trajectories, pad_batch

require_torch()
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

ALGORITHM = "ilql"
HEADS_FILE = "heads.pt"


# ---------------------------------------------------------------------- transitions
def collate(batch: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad a batch and gather ILQL's transitions ``(s_t, x_t, r_t, s_{t+1}, done_t)``, one per action token.

    For each action token at position ``t`` (indices are flat, into the trunk's ``B*T`` hidden states):

    * ``state`` ``s_t``: the hidden state at ``t-1``: it predicts, and values, the token at ``t`` (the
      off-by-one public implementations get wrong);
    * ``next_state`` ``s_{t+1}``: ``t`` when ``t+1`` is also an action token (inside an utterance); after an
      utterance's last token, the state of the first token ``t'`` of the agent's *next* utterance (``t'-1``):
      the user's tokens in between are the environment's response, one transition, never actions; after the
      last action, ``t`` with ``done = 1`` (terminal: the TD target does not bootstrap from it);
    * ``action`` (the token id), ``reward`` (on the token; the return sits on an utterance's last token).
    """
    ids, attn = pad_batch(batch, pad_id)
    T = ids.shape[1]
    state, next_state, action, reward, done = [], [], [], [], []
    for b, e in enumerate(batch):
        pos = e.action_positions()
        for t, t2 in zip(pos, [*pos[1:], -1], strict=True):  # t2: the next action position (-1: none)
            state.append(b * T + t - 1)
            action.append(e.input_ids[t])
            reward.append(e.rewards[t])
            if t2 < 0:
                next_state.append(b * T + t)
                done.append(1.0)
            else:
                next_state.append(b * T + t2 - 1)  # == b*T + t when t2 == t + 1
                done.append(0.0)
    return {
        "input_ids": ids,
        "attention_mask": attn,
        "state": torch.tensor(state, dtype=torch.long),
        "next_state": torch.tensor(next_state, dtype=torch.long),
        "action": torch.tensor(action, dtype=torch.long),
        "reward": torch.tensor(reward, dtype=torch.float32),
        "done": torch.tensor(done, dtype=torch.float32),
    }


def standardize(data: list[Encoded]) -> dict[str, float]:
    """Shift and scale returns to mean 0 / std 1 (in place; the shift goes on each final action token)."""
    returns = [sum(e.rewards) for e in data]
    mean = float(sum(returns) / len(returns))
    std = float(math.sqrt(sum((r - mean) ** 2 for r in returns) / len(returns))) or 1.0
    for e in data:
        last = max(i for i, a in enumerate(e.action_mask) if a)
        e.rewards = [r / std for r in e.rewards]
        e.rewards[last] -= mean / std
    return {"mean": mean, "std": std}


# ---------------------------------------------------------------------- heads and losses
class Head(nn.Module):
    """An MLP head ``d -> hidden -> out`` (or linear when ``hidden == 0``) that can score one column cheaply."""

    def __init__(self, d: int, out: int, hidden: int) -> None:
        super().__init__()
        self.body: nn.Module = nn.Sequential(nn.Linear(d, hidden), nn.ReLU()) if hidden else nn.Identity()
        self.last = nn.Linear(hidden or d, out)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.last(self.body(h))

    def at(self, h: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """``forward(h)[i, index[i]]`` without computing the other ``out - 1`` columns."""
        z = self.body(h)
        return (z * self.last.weight[index]).sum(-1) + self.last.bias[index]


def expectile_loss(diff: torch.Tensor, tau: float) -> torch.Tensor:
    """``mean(|tau - 1[diff < 0]| * diff^2)`` with ``diff = target - prediction`` (tau = 0.5: half the MSE)."""
    weight = torch.where(diff < 0, 1.0 - tau, tau)
    return (weight * diff.pow(2)).mean()


def loss_terms(
    q1: torch.Tensor,
    q2: torch.Tensor,
    q1_target_sa: torch.Tensor,
    q2_target_sa: torch.Tensor,
    v_s: torch.Tensor,
    v_next: torch.Tensor,
    logits: torch.Tensor,
    action: torch.Tensor,
    token: torch.Tensor,
    reward: torch.Tensor,
    done: torch.Tensor,
    config: ILQLConfig,
) -> dict[str, torch.Tensor]:
    """ILQL's losses on gathered transitions (``N`` action tokens).

    Args:
        q1, q2: online Q over the action vocabulary at each action's state, ``N x A``.
        q1_target_sa, q2_target_sa: target Q of the taken action, ``N``.
        v_s: V at the action's state, ``N``. v_next: V at the next state, ``N`` (detached here; masked when done).
        logits: policy logits at the action's state, ``N x vocab``.
        action: the taken action's Q column, ``N``. token: its token id (the policy's target), ``N``; the two
            are equal when the Q heads cover the whole vocabulary.
    """
    # L_Q: TD regression of both online Q heads to r + gamma * V(s'), V detached and masked at the end
    q1_sa = q1.gather(1, action[:, None]).squeeze(1)
    q2_sa = q2.gather(1, action[:, None]).squeeze(1)
    target = reward + config.gamma * (1.0 - done) * v_next.detach()
    loss_q = F.mse_loss(q1_sa, target) + F.mse_loss(q2_sa, target)
    # L_V: V regresses to the tau-expectile of the target heads' pessimistic (min) Q of the data's action
    q_target_min = torch.minimum(q1_target_sa, q2_target_sa).detach()
    loss_v = expectile_loss(q_target_min - v_s, config.tau)
    # L_CQL: push down Q of the tokens the data did not take (cross-entropy of the Q values)
    loss_cql = F.cross_entropy(q1, action) + F.cross_entropy(q2, action)
    # L_pi: the policy is BC on the action tokens (AWAC-weighted by exp(awac_beta * A) when awac_beta > 0)
    ce = F.cross_entropy(logits, token, reduction="none")
    if config.awac_beta > 0:
        w = torch.exp(config.awac_beta * (q_target_min - v_s.detach())).clamp(max=config.awac_max_weight)
        loss_pi = (w * ce).mean()
    else:
        loss_pi = ce.mean()
    loss = (
        config.q_weight * loss_q + config.v_weight * loss_v + config.cql_weight * loss_cql + config.bc_weight * loss_pi
    )
    return {
        "loss": loss,
        "q": loss_q,
        "v": loss_v,
        "cql": loss_cql,
        "pi": loss_pi,
        "q_mean": q1_sa.detach().mean(),
        "v_mean": v_s.detach().mean(),
    }


class ILQLModel(nn.Module, Learner):
    """A causal LM (the policy, trained by BC) plus ILQL's Q, target-Q and V heads on its last hidden state."""

    config: ILQLConfig

    def __init__(
        self, lm: Any, tokenizer: Any, config: ILQLConfig | None = None, action_ids: Sequence[int] | None = None
    ) -> None:
        """``action_ids``: the token ids the Q heads score (None: the whole vocabulary); :func:`train` passes
        :func:`action_vocabulary` of the data when ``config.action_vocab == "data"``."""
        super().__init__()
        self.config = config or ILQLConfig()
        self.lm = lm
        self.tokenizer = tokenizer
        d = int(lm.get_output_embeddings().weight.shape[1])
        vocab = int(lm.get_output_embeddings().weight.shape[0])
        hidden = 2 * d if self.config.head_hidden is None else int(self.config.head_hidden)
        # buffers (moved by .to(device)) but not in state_dict: save_pretrained stores the ids with the heads
        self.action_ids: torch.Tensor | None
        #: token id -> column of the Q heads (-1: not an action); None when the heads cover the vocabulary
        self.action_column: torch.Tensor | None
        ids_t = column = None
        if action_ids is not None:
            ids = sorted({int(i) for i in action_ids})
            if not ids or ids[0] < 0 or ids[-1] >= vocab:
                raise ValueError(f"action_ids must be non-empty token ids in [0, {vocab}), got {ids[:5]}..{ids[-5:]}")
            ids_t = torch.tensor(ids, dtype=torch.long)
            column = torch.full((vocab,), -1, dtype=torch.long)
            column[ids_t] = torch.arange(len(ids))
        self.register_buffer("action_ids", ids_t, persistent=False)
        self.register_buffer("action_column", column, persistent=False)
        n_q = vocab if self.action_ids is None else len(self.action_ids)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.config.seed)
            self.q1 = Head(d, n_q, hidden)
            self.q2 = Head(d, n_q, hidden)
            self.v = Head(d, 1, hidden)
        self.q1_target = copy.deepcopy(self.q1).requires_grad_(False)
        self.q2_target = copy.deepcopy(self.q2).requires_grad_(False)
        self.polyak_updates = 0
        self.reward_stats: dict[str, float] | None = None
        #: extra metadata saved with the checkpoint (e.g. how dialogues were formatted)
        self.extra_meta: dict[str, Any] = {}

    algorithm = ALGORITHM

    # ------------------------------------------------------------------ training (what agents/learner.py's fit calls)
    def encode(self, trajectories: Sequence[Trajectory]) -> list[Encoded]:
        """Tokenized trajectories (returns standardized when the config says so: :func:`standardize`)."""
        data = encode_trajectories(trajectories, self.tokenizer, self.config.max_length or max_positions(self.lm))
        if self.config.standardize_rewards:
            self.reward_stats = standardize(data)
        return data

    def collate(self, batch: Sequence[Encoded]) -> dict[str, torch.Tensor]:
        return collate(batch, self.tokenizer.pad_token_id)

    def network(self) -> nn.Module:
        return self

    def loss(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        terms = self.losses(batch)
        return terms.pop("loss"), terms

    def after_step(self) -> None:
        self.polyak_update()  # after EVERY optimizer step

    def trainable_parameters(self) -> list[nn.Parameter]:
        """What the optimizer updates: the LM and the online heads (never the target heads)."""
        return [*self.lm.parameters(), *self.q1.parameters(), *self.q2.parameters(), *self.v.parameters()]

    def polyak_update(self) -> None:
        """``target <- (1 - alpha) * target + alpha * online``; called once after every optimizer step."""
        a = self.config.polyak_alpha
        with torch.no_grad():
            for online, target in ((self.q1, self.q1_target), (self.q2, self.q2_target)):
                for p, tp in zip(online.parameters(), target.parameters(), strict=True):
                    tp.mul_(1.0 - a).add_(p.detach(), alpha=a)
        self.polyak_updates += 1

    def gathered(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Run the trunk once and evaluate every head only at the batch's action states and next states."""
        hidden, _ = trunk(self.lm, batch["input_ids"], batch["attention_mask"])
        flat = hidden.reshape(-1, hidden.shape[-1])
        hs = flat[batch["state"]]
        hn = flat[batch["next_state"]]
        a = self.q_columns(batch["action"])
        v = self.v(torch.cat([hs, hn])).squeeze(-1)
        n = hs.shape[0]
        with torch.no_grad():
            q1t = self.q1_target.at(hs, a)
            q2t = self.q2_target.at(hs, a)
        return {
            "q1": self.q1(hs),
            "q2": self.q2(hs),
            "q1_target_sa": q1t,
            "q2_target_sa": q2t,
            "v_s": v[:n],
            "v_next": v[n:],
            "logits": lm_logits(self.lm, hs),
        }

    def q_columns(self, tokens: torch.Tensor) -> torch.Tensor:
        """The Q-head columns of action tokens (the ids themselves when the heads cover the vocabulary)."""
        if self.action_column is None:
            return tokens
        cols = self.action_column[tokens]
        if bool((cols < 0).any()):
            bad = sorted({int(t) for t in tokens[cols < 0]})[:10]
            size = 0 if self.action_ids is None else len(self.action_ids)  # set with action_column
            raise ValueError(
                f"action tokens {bad} are not in this model's action vocabulary ({size} tokens, "
                "fixed when it was built from its training data); train a new model on this data"
            )
        return cols

    def losses(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        g = self.gathered(batch)
        return loss_terms(
            g["q1"], g["q2"], g["q1_target_sa"], g["q2_target_sa"], g["v_s"], g["v_next"], g["logits"],
            self.q_columns(batch["action"]), batch["action"], batch["reward"], batch["done"], self.config,
        )  # fmt: skip

    # ------------------------------------------------------------------ inference
    def advantage(self, h: torch.Tensor) -> torch.Tensor:
        """``min_i Qhat_i(h, .) - V(h)`` over the vocabulary (the target heads, as in the paper).

        With an action vocabulary, tokens outside it get the lowest advantage in it at that state.
        No gradient flows through it (computed under ``torch.no_grad``).
        """
        with torch.no_grad():
            adv = torch.minimum(self.q1_target(h), self.q2_target(h)) - self.v(h)
            if self.action_ids is None or self.action_column is None:  # the two are set together
                return adv
            full = adv.min(dim=-1, keepdim=True).values.expand(*adv.shape[:-1], self.action_column.shape[0]).clone()
            full[..., self.action_ids] = adv
            return full

    def score_hook(self, beta: float | None = None, filter_order: str = "before") -> ScoreHook:
        """Sampling from ``pi_beta(a|s) ∝ pi(a|s) * exp(beta * (min_i Qhat_i(s, a) - V(s)))`` (the paper's policy
        extraction): the token scores are ``log pi + beta * advantage``, tempered.

        ``beta=None`` is the config's (``ILQLConfig.beta``, the recipe's 16 unless trained otherwise); ``beta = 0``
        is the BC policy exactly. ``filter_order``: top-k/top-p on the policy log-probs ``"before"`` the
        advantage is added (the default: beta only re-ranks tokens the policy finds plausible) or on the
        final scores ``"after"``. :meth:`generate` / :meth:`generate_ids` (shared with BC) take both as options.
        """
        if filter_order not in ("before", "after"):
            raise ValueError(f"filter_order={filter_order!r}; expected 'before' or 'after'")
        beta = self.config.beta if beta is None else beta

        def scores(h: torch.Tensor, logp: torch.Tensor, how: Sampling) -> torch.Tensor:
            if filter_order == "before":
                logp = how.filter(logp)
            s = logp if beta == 0 else logp + beta * self.advantage(h).float()
            s = how.temper(s)
            if filter_order == "after":
                s = how.filter(s)
            return s

        return scores

    # ------------------------------------------------------------------ persistence
    def save_extra(self, folder: Path) -> dict[str, Any]:
        """The heads (``heads.pt``: online, target and the action vocabulary) next to the LM."""
        heads = {name: getattr(self, name).state_dict() for name in ("q1", "q2", "v", "q1_target", "q2_target")}
        tmp = folder / (HEADS_FILE + ".tmp")
        action_ids = None if self.action_ids is None else self.action_ids.tolist()
        torch.save({"heads": heads, "polyak_updates": self.polyak_updates, "action_ids": action_ids}, tmp)
        os.replace(tmp, folder / HEADS_FILE)
        return {"reward_stats": self.reward_stats, "polyak_updates": self.polyak_updates}

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike[str]) -> ILQLModel:
        """Load a checkpoint written by :meth:`save_pretrained` (an error names the algorithm if it is not ILQL)."""
        meta = read_meta(path, [ALGORITHM])
        folder = Path(meta["path"])
        lm, tokenizer = load_lm_folder(folder)
        state = torch.load(folder / HEADS_FILE, map_location="cpu", weights_only=True)
        # checkpoints from before action vocabularies have no "action_ids": full-vocabulary heads
        m = cls(lm, tokenizer, ILQLConfig.from_dict(meta["config"]), action_ids=state.get("action_ids"))
        for name, sd in state["heads"].items():
            getattr(m, name).load_state_dict(sd)
        m.polyak_updates = int(state["polyak_updates"])
        m.reward_stats = meta.get("reward_stats")
        m.extra_meta = {k: v for k, v in meta.items() if k not in ("version", "algorithm", "config", "path")}
        m.extra_meta.pop("reward_stats", None)
        m.extra_meta.pop("polyak_updates", None)
        m.eval()
        return m


# ---------------------------------------------------------------------- building and training
def action_vocabulary(trajectories: Sequence[Trajectory], tokenizer: Any, max_length: int | None = None) -> list[int]:
    """The sorted token ids that occur in action segments of ``trajectories`` (as :func:`fit` encodes them)."""
    return sorted({t for e in encode_trajectories(trajectories, tokenizer, max_length) for t in e.action_tokens()})


def build(model: Any, tokenizer: Any, config: ILQLConfig, trajectories: Sequence[Trajectory]) -> ILQLModel:
    """A fresh :class:`ILQLModel` whose Q heads score the action vocabulary ``config.action_vocab`` names."""
    action_ids = None
    if config.action_vocab == "data":
        action_ids = action_vocabulary(trajectories, tokenizer, config.max_length or max_positions(model))
    return ILQLModel(model, tokenizer, config, action_ids=action_ids)


def train(
    trajectories: Sequence[Trajectory], model: Any, tokenizer: Any, config: ILQLConfig | None = None, **fit_options: Any
) -> ILQLModel:
    """Train ILQL heads and the policy on ``trajectories`` on top of ``model`` (a transformers causal LM).

    ``fit_options``: :func:`~dialgym.agents.learner.fit`'s (``progress``, ``on_step``, ``accelerator``).
    """
    m = build(model, tokenizer, config or ILQLConfig(), trajectories)
    fit(m, trajectories, **fit_options)
    return m


__all__ = [
    "ILQLConfig", "ILQLModel", "action_vocabulary", "build", "collate", "expectile_loss", "fit", "loss_terms",
    "make_optimizer", "standardize", "train",
]  # fmt: skip
