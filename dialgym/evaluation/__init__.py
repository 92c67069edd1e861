"""The evaluation harness: run agents, summarise with CIs, normalise against random/oracle."""

from dialgym.evaluation.harness import EvalResult, episode_seed, evaluate
from dialgym.evaluation.stats import bootstrap_ci, normalized_score

__all__ = ["EvalResult", "bootstrap_ci", "episode_seed", "evaluate", "normalized_score"]
