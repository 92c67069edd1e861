"""TRL's GRPOTrainer (real, no mocks) trains dialgym agents through both adapters of dialgym.integrations.trl.

A two-turn task defined here keeps the runs small: the user holds a hidden order (tea, coffee or juice);
the agent may ask, and then has to serve it. Reward 1 for serving the order, else 0. A policy that says
one of the four phrases at random succeeds 1/4 * 1/3 + 1/4 * 1/4 ~ 15% of the time; asking first, then
serving what was asked for, always succeeds: learning it needs the reply to the question (credit over
two turns, conditioned on the hidden persona).
"""

from __future__ import annotations

import os
import signal
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

from dialgym.core import DialogueEnv, Outcome, UserSimulator, UserTurn

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")  # before TRL warns about its experimental APIs

import torch
from trl import GRPOConfig, GRPOTrainer

from dialgym.agents import bc, lm
from dialgym.integrations.trl import (
    episode_return,
    episode_seeds,
    make_environment_factory,
    make_rollout_func,
    prompt_seed,
)

ENV_ID = "DialgymTestOrder-v0"
DRINKS = ("tea", "coffee", "juice")
ASK = "What would you like to drink?"
SERVE = "Here is your {}."
PHRASES = (ASK, *(SERVE.format(d) for d in DRINKS))
#: how often each drink is ordered: a policy can gain by learning the odds, or more by asking and listening
ORDER_ODDS = (0.6, 0.2, 0.2)


class OrderUser(UserSimulator):
    """Answers the question with the hidden order; any serving ends the episode."""

    def reset(self, persona: dict[str, Any], rng: np.random.Generator) -> str:
        self.order, self.served = persona["order"], None
        return "Hello!"

    def respond(self, agent_text: str) -> UserTurn:
        for drink in DRINKS:
            if drink in agent_text.lower():
                self.served = drink
                return UserTurn(text="Thanks.", acts=["serve"], done=True)
        if "what would you like" in agent_text.lower():
            return UserTurn(text=f"I would like {self.order}, please.", acts=["ask"])
        return UserTurn(text="Sorry?", acts=[])

    def outcome(self, truncated: bool) -> Outcome:
        ok = self.served == self.order
        return Outcome(reward=float(ok), success=ok, details={"served": self.served})

    def state_dict(self) -> dict[str, Any]:
        return {"order": self.order, "served": self.served}


class OrderEnv(DialogueEnv):
    task_id = "order"
    description = "Serve the customer the drink they want."
    default_max_turns = 2

    def sample_persona(self, split: str, rng: np.random.Generator) -> dict[str, Any]:
        return {"type": "customer", "order": DRINKS[int(rng.choice(len(DRINKS), p=ORDER_ODDS))]}

    def make_scripted_user(self) -> UserSimulator:
        return OrderUser()


@pytest.fixture(scope="module", autouse=True)
def order_env():
    gym.register(ENV_ID, entry_point=OrderEnv)
    yield
    gym.registry.pop(ENV_ID, None)


@pytest.fixture(autouse=True)
def hang_guard():
    """Fail a test that runs for 15 minutes (a hang guard; no test here is timed)."""

    def fail(*_: Any) -> None:
        raise TimeoutError("hang guard: test ran for 15 minutes")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(900)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def random_phrase_episodes(n: int, seed: int) -> list[list[dict[str, str]]]:
    """Noisy demonstrations: ask, then serve the order 25% of the time and a random drink otherwise (~50% success)."""
    env = gym.make(ENV_ID).unwrapped
    rng = np.random.default_rng(seed)
    out = []
    for s in range(n):
        _, info = env.reset(seed=seed * 100_000 + s)
        done = False
        while not done:
            if info["turn"] == 0:
                say = ASK
            elif rng.random() < 0.25:
                say = SERVE.format(env.persona["order"])
            else:
                say = SERVE.format(DRINKS[int(rng.integers(len(DRINKS)))])
            _, _, term, trunc, info = env.step(say)
            done = term or trunc
        out.append(info["messages"])
    return out


def bc_policy(seed: int = 0, steps: int = 150) -> tuple[Any, Any]:
    """A tiny GPT-2 that says the phrases at random (BC on random-phrase dialogues)."""
    torch.manual_seed(seed)
    dialogues = random_phrase_episodes(300, seed)
    system = OrderEnv.description
    texts = [system, *(m["content"] for d in dialogues for m in d)]
    tokenizer = lm.fit_tokenizer(texts, vocab_size=400)
    model = lm.build_tiny_model(tokenizer, n_layer=2, n_embd=64, n_head=4, n_positions=128, seed=seed)
    trajs = [(lm.chat_segments(tokenizer, d, system=system), 0.0) for d in dialogues]
    bc.train(trajs, model, tokenizer, bc.BCConfig(steps=steps, batch_size=32, lr=3e-3, seed=seed))
    return model, tokenizer


_SMALL: dict[str, Any] = {}


def small_policy() -> tuple[Any, Any]:
    """A copy of a briefly BC-trained policy (trained once per module: tests may train their copy further)."""
    import copy

    if not _SMALL:
        _SMALL["model"], _SMALL["tokenizer"] = bc_policy(steps=60)
    return copy.deepcopy(_SMALL["model"]), _SMALL["tokenizer"]


def mean_return(rollout: Any, model: Any, tokenizer: Any, n: int = 300) -> float:
    """Mean return of ``model`` on ``n`` fixed evaluation episodes (paired: same seeds before and after)."""
    seeds = episode_seeds(n, seed=12345)
    return float(np.mean([r.reward for r in rollout.play(model, tokenizer, seeds, sample_seed=7)]))


def grpo_args(tmp_path: Any, **overrides: Any) -> GRPOConfig:
    """CPU settings for small runs (TRL defaults to bf16 and 1e-6, far too small a step for a tiny model)."""
    settings: dict[str, Any] = {
        "output_dir": str(tmp_path / "grpo"),
        "num_generations": 8,
        "per_device_train_batch_size": 32,
        "max_completion_length": 48,
        "learning_rate": 3e-4,
        "bf16": False,
        "use_cpu": True,
        "report_to": "none",
        "save_strategy": "no",
        "logging_steps": 1,
        "disable_tqdm": True,
        "seed": 0,
    }
    settings.update(overrides)
    return GRPOConfig(**settings)


# --------------------------------------------------------------------------- rollout function
def test_rollout_masks_the_user_and_follows_the_env():
    """env_mask is 1 exactly on the model's own tokens; the transcript and return are the env's."""
    model, tokenizer = small_policy()
    rollout = make_rollout_func(ENV_ID, max_new_tokens=8)
    for r in rollout.play(model, tokenizer, episode_seeds(8, seed=3), sample_seed=1):
        assert len(r.env_mask) == len(r.completion_ids) and r.done
        mine = [t for t, m in zip(r.completion_ids, r.env_mask, strict=True) if m]
        theirs = tokenizer.decode([t for t, m in zip(r.completion_ids, r.env_mask, strict=True) if not m])
        said = [m["content"] for m in r.messages if m["role"] == "assistant"]
        assert tokenizer.decode(mine, skip_special_tokens=True) == "".join(said)
        replies = [m["content"] for m in r.messages[1:] if m["role"] == "user"][: len(said) - 1]
        assert all(reply in theirs for reply in replies) and "Hello!" not in theirs  # the opening is the prompt
        assert "Hello!" in tokenizer.decode(r.prompt_ids) and OrderEnv.description in tokenizer.decode(r.prompt_ids)
        env = gym.make(ENV_ID).unwrapped
        env.reset(seed=r.seed)
        served = [env.step(text)[1] for text in said]
        assert sum(served) == r.reward == float(r.success)


def test_rollout_budget_cuts_turns_and_plays_the_rest_silent():
    model, tokenizer = small_policy()
    rollout = make_rollout_func(ENV_ID, max_new_tokens=8)
    prompt_len = len(rollout.play(model, tokenizer, [0])[0].prompt_ids)
    cut = rollout.play(model, tokenizer, episode_seeds(6, seed=4), max_completion_length=2, sample_seed=1)
    assert all(len(r.completion_ids) <= 2 for r in cut) and all(r.done for r in cut)
    asked = [r for r in cut if r.turns == 2]  # asked first: the second turn had no budget left
    assert asked and all(r.cut and r.messages[-2]["content"] == "" and r.reward == 0.0 for r in asked)
    with pytest.raises(ValueError, match="no room"):
        rollout.play(model, tokenizer, [0], max_completion_length=0)
    assert prompt_len > 0


def test_rollout_pool_reuse_equals_a_fresh_rollout():
    """Envs are pooled across calls: a second batch on a used pool plays exactly as on a fresh one."""
    model, tokenizer = small_policy()
    used = make_rollout_func(ENV_ID, max_new_tokens=8)
    used.play(model, tokenizer, episode_seeds(16, seed=5), sample_seed=3)
    second = used.play(model, tokenizer, episode_seeds(12, seed=6), sample_seed=4)
    fresh = make_rollout_func(ENV_ID, max_new_tokens=8).play(model, tokenizer, episode_seeds(12, seed=6), sample_seed=4)
    assert [(r.completion_ids, r.messages, r.reward) for r in second] == [
        (r.completion_ids, r.messages, r.reward) for r in fresh
    ]


def test_prompt_seed_round_trip_and_errors():
    rollout = make_rollout_func(ENV_ID)
    ds = rollout.dataset(5, seed=9)
    assert [prompt_seed(p) for p in ds["prompt"]] == ds["seed"] == episode_seeds(5, seed=9)
    assert prompt_seed([{"role": "user", "content": "x seed=-4"}]) == -4
    with pytest.raises(ValueError, match="does not name an episode seed"):
        prompt_seed("Persuasion-v0")
    with pytest.raises(ValueError, match="episodes=0"):
        episode_seeds(0)


def test_grpo_trainer_runs_through_the_rollout_func(tmp_path):
    """A real GRPOTrainer: groups share the row's seed, rewards are the env's returns, the weights move."""
    model, tokenizer = small_policy()
    rollout = make_rollout_func(ENV_ID, max_new_tokens=8)
    seen: list[list[int]] = []

    def record(completions: Any, seed: list[int], episode_return: list[float], **kwargs: Any) -> list[float]:
        seen.append(list(seed))
        return [0.0] * len(completions)

    before = [p.detach().clone() for p in model.parameters()]
    trainer = GRPOTrainer(
        model=model, processing_class=tokenizer, reward_funcs=[episode_return, record],
        train_dataset=rollout.dataset(64, seed=0), rollout_func=rollout, args=grpo_args(tmp_path, max_steps=3),
    )  # fmt: skip
    trainer.train()
    assert len(seen) == 3
    for seeds in seen:
        groups = [seeds[k : k + 8] for k in range(0, len(seeds), 8)]
        assert all(len(set(g)) == 1 for g in groups) and len({g[0] for g in groups}) == len(groups)
    logs = [h for h in trainer.state.log_history if "rewards/episode_return/mean" in h]
    assert len(logs) == 3 and all(0.0 <= h["rewards/episode_return/mean"] <= 1.0 for h in logs)
    assert all(h["dialgym/turns"] >= 1 for h in logs)
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


@pytest.mark.slow
def test_grpo_raises_the_mean_return(tmp_path):
    """150 GRPO steps from a BC start raise the mean return on 300 paired episodes (measured +0.16..+0.21).

    The BC policy serves drinks at random (~0.33); learning the hidden odds alone is worth 0.6, asking and
    listening 1.0. About 20 s on a quiet core.
    """
    torch.set_num_threads(1)
    model, tokenizer = bc_policy(seed=0)
    rollout = make_rollout_func(ENV_ID, max_new_tokens=8)
    start = mean_return(rollout, model, tokenizer)
    trainer = GRPOTrainer(
        model=model, processing_class=tokenizer, reward_funcs=episode_return,
        train_dataset=rollout.dataset(2000, seed=0), rollout_func=rollout,
        args=grpo_args(tmp_path, max_steps=150, logging_steps=50),
    )  # fmt: skip
    trainer.train()
    end = mean_return(rollout, model, tokenizer)
    assert end >= start + 0.1, (start, end)


# --------------------------------------------------------------------------- environment factory
def test_environment_factory_reset_clears_a_pooled_instance():
    """TRL reuses instances: an episode after another equals the same episode on a fresh instance."""
    factory = make_environment_factory(ENV_ID)
    pooled, fresh = factory(), factory()
    pooled.reset(seed=1, prompt=[])
    pooled.say(ASK)
    pooled.say(SERVE.format("tea"))
    first = pooled.get_reward()
    with pytest.raises(RuntimeError, match="conversation is over"):
        pooled.say("more?")

    def play(env: Any) -> tuple[Any, ...]:
        brief = env.reset(seed=2, prompt=[])
        reply = env.say(ASK)
        order = reply.split("like ")[1].split(",")[0]
        end = env.say(SERVE.format(order))
        return brief, reply, end, env.get_reward()

    again, new = play(pooled), play(fresh)
    assert again == new and new[3] == 1.0 and "conversation is over" in new[2]
    assert OrderEnv.description in new[0] and "Hello!" in new[0] and "say tool" in new[0]
    assert first in (0.0, 1.0)


def test_environment_factory_unfinished_episode_is_played_out_silent():
    env = make_environment_factory(ENV_ID)()
    with pytest.raises(RuntimeError, match="before reset"):
        env.get_reward()
    env.reset(seed=3)
    assert env.get_reward() == 0.0  # two silent turns: nothing served
    with pytest.raises(RuntimeError, match="conversation is over"):
        env.say("Here is your tea.")


def tool_chat_tokenizer() -> Any:
    """A small BPE tokenizer carrying TRL's Qwen3 chat template, so TRL can render and parse tool calls."""
    from importlib.resources import files

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>", "<think>", "</think>",
                "<tool_response>", "</tool_response>"]  # fmt: skip
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())  # fmt: skip
    tok.train_from_iterator([OrderEnv.description, *PHRASES, '{"name": "say", "arguments": {"message": '], trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    wrapped.chat_template = (files("trl") / "chat_templates" / "qwen3.jinja").read_text()
    return wrapped


def test_grpo_trainer_runs_with_the_environment_factory(tmp_path):
    """A real GRPOTrainer accepts the factory: say() is its tool, reset() gets each row's seed, groups share it,
    instances are pooled, and get_reward() is the reward (an untrained model never calls the tool, so 0)."""
    base = make_environment_factory(ENV_ID)
    resets: list[int] = []
    instances: set[int] = set()

    class Recording(base):  # type: ignore[valid-type, misc]
        def reset(self, seed: int | None = None, **row: Any) -> str:
            resets.append(int(seed)) if seed is not None else None
            instances.add(id(self))
            return super().reset(seed=seed, **row)

    tokenizer = tool_chat_tokenizer()
    model = lm.build_tiny_model(tokenizer, n_layer=1, n_embd=32, n_head=2, n_positions=2048)
    model.config.eos_token_id = tokenizer.eos_token_id
    trainer = GRPOTrainer(
        model=model, processing_class=tokenizer, environment_factory=Recording,
        train_dataset=base.dataset(8, seed=0), args=grpo_args(tmp_path, max_steps=2, per_device_train_batch_size=8,
                                                               num_generations=4, max_completion_length=8),
    )  # fmt: skip
    assert [t.__name__ for t in trainer.tools] == ["say"]
    trainer.train()
    assert len(resets) == 16 and len(instances) == 8  # 2 steps x 8 rollouts on 8 pooled instances
    groups = [resets[k : k + 4] for k in range(0, 16, 4)]
    assert all(len(set(g)) == 1 for g in groups) and set(resets) <= set(base.dataset(8, seed=0)["seed"])
    logs = [h for h in trainer.state.log_history if f"rewards/{Recording.__name__}/mean" in h]
    assert len(logs) == 2 and all(h[f"rewards/{Recording.__name__}/mean"] == 0.0 for h in logs)
