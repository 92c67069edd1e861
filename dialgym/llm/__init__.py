"""dialgym's LLM layer: batch-first ``generate`` over OpenAI-compatible endpoints or a local transformers model.

>>> from dialgym.llm import make_llm
>>> llm = make_llm({"backend": "openai", "model": "m", "base_url": "http://127.0.0.1:8000/v1"})  # doctest: +SKIP
>>> llm.generate([[{"role": "user", "content": "Hi"}]])  # doctest: +SKIP

Backends are imported lazily: ``openai`` needs ``pip install 'dialgym[llm]'``, ``hf`` needs
``pip install 'dialgym[hf]'``.
"""

from __future__ import annotations

from dialgym.llm.base import LLM, CacheMissError, Conversation, LLMConfig, LLMError, Message, Usage, make_llm
from dialgym.llm.models import SMOLLM2_PRESET, smollm2_gguf, smollm2_hf_folder

__all__ = [
    "LLM",
    "SMOLLM2_PRESET",
    "CacheMissError",
    "Conversation",
    "LLMConfig",
    "LLMError",
    "Message",
    "Usage",
    "make_llm",
    "smollm2_gguf",
    "smollm2_hf_folder",
]
