"""Local transformers backend: batched, left-padded, seeded generation on CPU.

Why batched: on CPU a 135M model makes ~30 tokens/s one conversation at a time but several times more
when 16 conversations share each forward pass, and dialgym's envs send one batch per turn.
Why left padding: decoder-only models continue from the last position, so every row's prompt must end
at the same column.
Why per-conversation seeding: each conversation of a batch samples from its own ``torch.Generator`` seeded
``stable_seed(seed, conversation, sample_id)`` (the openai backend's request seed), so a sampled reply depends
on the config seed, the conversation and its sample id only: not on the call number (how many batches this
client answered before, e.g. for other tasks earlier in the process, or before a resumed run restarted), not on
the other conversations of the batch nor their order, and not on torch's global RNG. A cache hit and a miss
therefore give the same reply. (Left padding can still move a logit in the last float bits, which changes a
sample only when a draw falls within that distance of a token's boundary.)
"""

from __future__ import annotations

import threading
from typing import Any

from dialgym.llm.base import LLM, Conversation, LLMConfig, LLMError, Usage, require
from dialgym.llm.models import resolve_hf_model
from dialgym.seeding import stable_seed

_MODELS: dict[tuple[str, str | None, str], tuple[Any, Any]] = {}
_MODELS_LOCK = threading.Lock()
#: a model's forward pass is shared state: one generation at a time per process.
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
                replies.extend(self._generate_chunk(chunk, params, sample_ids[start : start + size]))
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

    def _generate_chunk(self, chunk: list[Conversation], params: dict[str, Any], sample_ids: list[Any]) -> list[str]:
        import torch
        from transformers import LogitsProcessorList

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
            "min_new_tokens": 1,  # an immediate EOS would give an empty reply
            "pad_token_id": tok.pad_token_id,
            # generate() itself decodes greedily (overriding generation_config.json's sampling defaults, quietly);
            # a sampled reply is drawn by _RowSampler, each conversation from its own generator
            "do_sample": False,
            "temperature": None,
            "top_p": None,
            "top_k": None,
        }
        if not greedy:
            seeds = [
                stable_seed(params["seed"], conv, sid) if params["seed"] is not None else None
                for conv, sid in zip(chunk, sample_ids, strict=True)
            ]
            gen_kwargs["logits_processor"] = LogitsProcessorList([_RowSampler(params["temperature"], seeds)])
        with _GENERATE_LOCK, torch.inference_mode():
            out = self.model.generate(**enc, **gen_kwargs)
        new_tokens = out[:, enc["input_ids"].shape[1] :]
        replies = [tok.decode(row, skip_special_tokens=True).strip() for row in new_tokens]
        prompt_tokens = int(enc["attention_mask"].sum())
        eos = tok.eos_token_id
        completion_tokens = sum(_count_generated(row.tolist(), eos, tok.pad_token_id) for row in new_tokens)
        self.usage.add(requests=len(chunk), prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        return replies


class _RowSampler:
    """A logits processor that samples each row's next token from its own ``torch.Generator``.

    It runs last (after ``min_new_tokens`` has masked the EOS) and leaves only the drawn token finite, so
    ``generate``'s greedy step picks it. Why not ``do_sample=True``: that draws every row from torch's global RNG
    in one call, so a row's sample would depend on the other rows of the batch and on how the RNG was seeded.
    A seed of None draws from a generator seeded by torch's global RNG (unseeded sampling).
    """

    def __init__(self, temperature: float, seeds: list[int | None]) -> None:
        import torch

        self.temperature = temperature
        self.generators: list[Any] = []
        for seed in seeds:
            gen = torch.Generator()
            gen.manual_seed(seed if seed is not None else int(torch.randint(0, 2**31, ()).item()))
            self.generators.append(gen)

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        probs = torch.softmax(scores.float() / self.temperature, dim=-1)
        rows = zip(probs, self.generators, strict=True)
        picks = torch.cat([torch.multinomial(row, 1, generator=gen) for row, gen in rows])
        out = torch.full_like(scores, float("-inf"))
        out.scatter_(1, picks.unsqueeze(1), 0.0)
        return out


def _count_generated(row: list[int], eos: int | None, pad: int | None) -> int:
    """Tokens a row really generated: up to and including its first EOS (the rest is padding)."""
    for i, token in enumerate(row):
        if token == eos or (pad is not None and token == pad):
            return i + 1
    return len(row)
