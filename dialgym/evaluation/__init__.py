"""The evaluation harness: run agents, summarise with CIs, normalise against random/oracle."""

from dialgym.evaluation.harness import EvalResult, evaluate
from dialgym.evaluation.stats import bootstrap_ci, normalized_score
from dialgym.seeding import episode_seed  # its home; exported here as before

__all__ = ["EvalResult", "bootstrap_ci", "episode_seed", "evaluate", "normalized_score"]
