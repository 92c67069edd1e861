"""Local transformers backend: batched, left-padded, seeded generation on CPU.

Why batched: on CPU a 135M model makes ~30 tokens/s one conversation at a time but several times more
when 16 conversations share each forward pass, and dialgym's envs send one batch per turn.
Why left padding: decoder-only models continue from the last position, so every row's prompt must end
at the same column.
Why per-call seeding: ``torch.manual_seed(stable_seed(seed, call))`` before each batch makes a run
reproducible from its config seed alone (a sampled reply depends on the seed, the call number and the
batch composition; the response cache pins replies regardless).
"""

from __future__ import annotations

import threading
from typing import Any

from dialgym.llm.base import LLM, Conversation, LLMConfig, LLMError, Usage, require
from dialgym.llm.models import resolve_hf_model
from dialgym.seeding import stable_seed

_MODELS: dict[tuple[str, str | None, str], tuple[Any, Any]] = {}
_MODELS_LOCK = threading.Lock()
#: torch's global RNG and a model's forward pass are shared state: one generation at a time per process.
_GENERATE_LOCK = threading.Lock()


def load_model(folder: str, gguf_file: str | None, dtype: str = "float32") -> tuple[Any, Any]:
    """Load (once per process and dtype) and return ``(model, tokenizer)``; loading the GGUF takes ~13 s."""
    key = (folder, gguf_file, dtype)
    with _MODELS_LOCK:
        if key not in _MODELS:
            require("torch", "hf")
            require("transformers", "hf")
            if gguf_file is not None:
                require("gguf", "hf")
            from transformers import AutoModelForCausalLM, AutoTokenizer

            kwargs: dict[str, Any] = {"gguf_file": gguf_file} if gguf_file else {}
            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True, **kwargs)
            model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, **kwargs)
            model.to(device="cpu", dtype=getattr(require("torch", "hf"), dtype))
            model.eval()
            tokenizer.padding_side = "left"
            if tokenizer.pad_token_id is None:
                tokenizer.pad_token = tokenizer.eos_token
            _MODELS[key] = (model, tokenizer)
        return _MODELS[key]


class HFLLM(LLM):
    """A local causal LM. ``concurrency`` is the number of conversations per forward batch.

    A conversation that ends with an ``assistant`` message is continued (the chat template's
    ``continue_final_message``): the reply is the rest of that message.
    """

    continues_final_message = True

    def __init__(self, config: LLMConfig, usage: Usage | None = None) -> None:
        super().__init__(config, usage)
        self.folder, self.gguf_file = resolve_hf_model(config.model)
        require("torch", "hf")
        from dialgym.utils.threads import set_torch_threads

        set_torch_threads(config.threads)  # None: the cores idle now (see dialgym.utils.threads)
        self.model, self.tokenizer = load_model(self.folder, self.gguf_file, config.dtype)

    def generate_partial(
        self, batch: list[Conversation], params: dict[str, Any], call: int, sample_ids: list[Any]
    ) -> list[str | LLMError]:
        replies: list[str | LLMError] = []
        size = self.config.concurrency
        for start in range(0, len(batch), size):
            chunk = batch[start : start + size]
            try:
                replies.extend(self._generate_chunk(chunk, params, call, start))
            except Exception as exc:  # a local model error affects the whole chunk; name its first row
                replies.extend(
                    LLMError(
                        f"LLM call {call} failed for conversation {start + k} of the batch "
                        f"(local model {self.config.model!r}): {type(exc).__name__}: {exc}",
                        index=start + k,
                        call=call,
                        attempts=1,
                        cause=exc,
                    )
                    for k in range(len(chunk))
                )
        return replies

    def _generate_chunk(self, chunk: list[Conversation], params: dict[str, Any], call: int, start: int) -> list[str]:
        import torch

        tok = self.tokenizer
        texts = [
            tok.apply_chat_template(conv, continue_final_message=True, tokenize=False)
            if conv[-1]["role"] == "assistant"  # a prefill: the reply continues that message
            else tok.apply_chat_template(conv, add_generation_prompt=True, tokenize=False)
            for conv in chunk
        ]
        # The chat template already writes the special tokens; don't let the tokenizer add a second BOS.
        enc = tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        greedy = params["temperature"] == 0
        gen_kwargs: dict[str, Any] = {
            "max_new_tokens": params["max_tokens"],
            "do_sample": not greedy,
            "min_new_tokens": 1,  # an immediate EOS would give an empty reply
            "pad_token_id": tok.pad_token_id,
        }
        if greedy:
            # Override sampling defaults from generation_config.json so greedy really is greedy (and quiet).
            gen_kwargs.update(temperature=None, top_p=None, top_k=None)
        else:
            gen_kwargs.update(temperature=params["temperature"], top_p=1.0, top_k=0)
        with _GENERATE_LOCK, torch.inference_mode():
            if params["seed"] is not None:
                torch.manual_seed(stable_seed(params["seed"], call, start))
            out = self.model.generate(**enc, **gen_kwargs)
        new_tokens = out[:, enc["input_ids"].shape[1] :]
        replies = [tok.decode(row, skip_special_tokens=True).strip() for row in new_tokens]
        prompt_tokens = int(enc["attention_mask"].sum())
        eos = tok.eos_token_id
        completion_tokens = sum(_count_generated(row.tolist(), eos, tok.pad_token_id) for row in new_tokens)
        self.usage.add(requests=len(chunk), prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        return replies


def _count_generated(row: list[int], eos: int | None, pad: int | None) -> int:
    """Tokens a row really generated: up to and including its first EOS (the rest is padding)."""
    for i, token in enumerate(row):
        if token == eos or (pad is not None and token == pad):
            return i + 1
    return len(row)
