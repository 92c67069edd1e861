"""Adapters from dialgym tasks to other libraries' trainers (``dialgym.integrations.trl``: TRL's GRPOTrainer).

Each adapter imports its library lazily, so ``import dialgym.integrations`` costs nothing.
"""
