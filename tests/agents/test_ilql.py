"""ILQL correctness checks (NOTES.md's list): each one catches a bug seen in public implementations."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from dialgym.agents import ilql, lm  # noqa: E402
from dialgym.agents.ilql import collate  # noqa: E402
from dialgym.agents.trajectories import Encoded  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # tests/agents/conftest.py


# ----------------------------------------------------------------------------- helpers


def tiny_tokenizer():
    # Letters A-Z never occur in the fitting text, so each one is a single token.
    return lm.fit_tokenizer(["hello world, how are you"] * 5, vocab_size=300)


def tiny_gpt2(tok, seed=0, n_embd=32):
    return lm.build_tiny_model(tok, n_layer=2, n_embd=n_embd, n_head=2, n_positions=128, seed=seed)


def traj(*parts, reward=1.0):
    """``traj("S", "+AB", "U", "+C")``: a leading ``+`` marks an action segment."""
    return ([(p[1:], True) if p.startswith("+") else (p, False) for p in parts], reward)


class OneHotTrunk(nn.Module):
    """A fake causal LM whose hidden state at position t is one-hot(t).

    With linear heads, the value read for an action then *names* the position it was read from, so any
    off-by-one between states and actions shows up as a wrong number.
    """

    def __init__(self, T: int, vocab: int) -> None:
        super().__init__()
        self.T = T
        self.head = nn.Linear(T, vocab, bias=False)
        self.config = SimpleNamespace(n_positions=T)

    def base_model(self, input_ids, attention_mask, position_ids=None, past_key_values=None, use_cache=False):
        return SimpleNamespace(last_hidden_state=F.one_hot(position_ids, self.T).float(), past_key_values=None)

    def get_output_embeddings(self):
        return self.head


def one_hot_model(T=16, vocab=20):
    m = ilql.ILQLModel(OneHotTrunk(T, vocab), tokenizer=None, config=ilql.ILQLConfig(head_hidden=0, gamma=0.5))
    with torch.no_grad():
        for head in (m.q1, m.q2, m.q1_target, m.q2_target):
            # Q(h_t)[a] = 100 * t + a
            head.last.weight.copy_(100.0 * torch.arange(T, dtype=torch.float32).expand(vocab, T))
            head.last.bias.copy_(torch.arange(vocab, dtype=torch.float32))
        m.v.last.weight.copy_(10.0 * torch.arange(T, dtype=torch.float32)[None])  # V(h_t) = 10 * t
        m.v.last.bias.zero_()
    return m


# A sequence: context (2 tokens), action (3), user reply (2), action (2); reward 1 on the last token.
SEQ = Encoded(
    input_ids=[11, 12, 1, 2, 3, 13, 14, 4, 5],
    action_mask=[False, False, True, True, True, False, False, True, True],
    rewards=[0, 0, 0, 0, 0, 0, 0, 0, 1.0],
)
SHORT = Encoded(input_ids=[11, 6, 7], action_mask=[False, True, True], rewards=[0, 0, 2.0])


# ----------------------------------------------------------------------------- index alignment


def test_one_hot_trunk_index_alignment():
    m = one_hot_model()
    batch = collate([SHORT, SEQ], pad_id=0)  # SHORT is padded: flat indices must still be per-row
    g = m.gathered(batch)
    a = batch["action"]
    # SHORT: actions at t=1,2 ; SEQ: actions at t=2,3,4,7,8
    assert a.tolist() == [6, 7, 1, 2, 3, 4, 5]
    states = [0, 1, 1, 2, 3, 6, 7]  # Q/V for the token at t is read from the hidden state at t-1
    expected_q = [100.0 * s + x for s, x in zip(states, a.tolist(), strict=True)]
    assert g["q1"].gather(1, a[:, None]).squeeze(1).tolist() == expected_q
    assert g["q1_target_sa"].tolist() == [100.0 * s + x for s, x in zip(states, a.tolist(), strict=True)]
    assert g["v_s"].tolist() == [10.0 * s for s in states]
    # next states: inside an utterance h_t; after an utterance the first state of the next agent utterance
    # (t=4 -> the action at t'=7 has state 6: the user tokens 5, 6 are skipped); after the last action: done.
    assert batch["done"].tolist() == [0, 1, 0, 0, 0, 0, 1]
    expected_next = [1, 2, 2, 3, 6, 7, 8]
    assert g["v_next"].tolist() == [10.0 * s for s in expected_next]
    assert batch["reward"].tolist() == [0, 2.0, 0, 0, 0, 0, 1.0]
    # the TD target built from these
    terms = m.losses(batch)
    q = g["q1"].gather(1, a[:, None]).squeeze(1)
    target = batch["reward"] + 0.5 * (1 - batch["done"]) * g["v_next"]
    assert torch.allclose(terms["q"], 2 * F.mse_loss(q, target))


def test_terminal_masking_v_at_terminal_state_does_not_change_q_loss():
    m = one_hot_model()
    batch = collate([SEQ], pad_id=0)
    before = m.losses(batch)["q"].item()
    with torch.no_grad():
        m.v.last.weight[0, 8] = 12345.0  # V at the state after the final action (terminal)
    assert m.losses(batch)["q"].item() == before
    with torch.no_grad():
        m.v.last.weight[0, 6] = 12345.0  # a non-terminal next state: must matter
    assert m.losses(batch)["q"].item() != before


def test_attention_mask_from_lengths_not_pad_id():
    # GPT-2 pads with eos; the reward-bearing final eos must survive padding with pad_id == eos.
    eos = 5
    seq = Encoded(input_ids=[1, 2, eos], action_mask=[False, True, True], rewards=[0, 0, 1.0])
    longer = Encoded(input_ids=[1, 2, 3, 4, eos, 6], action_mask=[False, True, True, False, True, True],
                     rewards=[0, 0, 0, 0, 0, 3.0])  # fmt: skip
    batch = collate([seq, longer], pad_id=eos)
    assert batch["attention_mask"][0].tolist() == [1, 1, 1, 0, 0, 0]
    assert batch["reward"].sum().item() == 4.0
    assert batch["action"].tolist().count(eos) == 2


def test_padding_invariance():
    tok = tiny_tokenizer()
    m = ilql.ILQLModel(tiny_gpt2(tok), tok, ilql.ILQLConfig())
    a, b = lm.encode_trajectories([traj("S", "+AB", "U", "+C"), traj("SS", "+ABCDE", "UUU", "+CDE", "V", "+F")], tok)
    pad = tok.eos_token_id
    alone = m.gathered(collate([a], pad))
    padded = m.gathered(collate([a, b], pad))  # a is right-padded here
    n = len(alone["v_s"])
    for key in ("q1", "q2", "q1_target_sa", "v_s", "v_next", "logits"):
        assert torch.allclose(alone[key], padded[key][:n], atol=1e-5), key
    # and the loss of a alone does not depend on how far it is padded
    long_pad = collate([a], pad)
    extra = 7
    long_pad["input_ids"] = F.pad(long_pad["input_ids"], (0, extra), value=pad)
    long_pad["attention_mask"] = F.pad(long_pad["attention_mask"], (0, extra), value=0)
    T0 = len(a)
    for key in ("state", "next_state"):  # flat indices move with the row length
        long_pad[key] = long_pad[key] // T0 * (T0 + extra) + long_pad[key] % T0
    l1 = m.losses(collate([a], pad))
    l2 = m.losses(long_pad)
    for key in ("loss", "q", "v", "cql", "pi"):
        assert torch.allclose(l1[key], l2[key], atol=1e-5), key


# ----------------------------------------------------------------------------- targets and Polyak


def test_target_heads_get_no_gradients_and_are_not_in_the_optimizer():
    tok = tiny_tokenizer()
    m = ilql.ILQLModel(tiny_gpt2(tok), tok, ilql.ILQLConfig())
    batch = collate(lm.encode_trajectories([traj("S", "+AB", "U", "+C")], tok), tok.pad_token_id)
    m.losses(batch)["loss"].backward()
    targets = [*m.q1_target.parameters(), *m.q2_target.parameters()]
    assert all(p.grad is None and not p.requires_grad for p in targets)
    assert all(p.grad is not None for p in m.q1.parameters())
    opt = ilql.make_optimizer(m)
    in_opt = {id(p) for group in opt.param_groups for p in group["params"]}
    assert not in_opt & {id(p) for p in targets}
    assert {id(p) for p in [*m.q1.parameters(), *m.q2.parameters(), *m.v.parameters()]} <= in_opt


def test_polyak_step_once_per_optimizer_step_across_epochs():
    tok = tiny_tokenizer()
    alpha, steps = 0.1, 7
    cfg = ilql.ILQLConfig(steps=steps, batch_size=2, lr=0.0, polyak_alpha=alpha)  # lr 0: online heads stay put
    m = ilql.ILQLModel(tiny_gpt2(tok), tok, cfg)
    with torch.no_grad():
        for p in [*m.q1_target.parameters(), *m.q2_target.parameters()]:
            p.zero_()
    data = [traj("S", "+A"), traj("S", "+B"), traj("S", "+C", "U", "+D"), traj("T", "+E")]  # 2 steps per epoch
    calls = []
    ilql.fit(m, data, on_step=lambda step, stats, opt: calls.append(step))
    assert calls == list(range(1, steps + 1))
    assert m.polyak_updates == steps
    decay = 1 - (1 - alpha) ** steps  # target_n = (1 - (1-a)^n) * online when target_0 = 0
    for online, target in ((m.q1, m.q1_target), (m.q2, m.q2_target)):
        for p, tp in zip(online.parameters(), target.parameters(), strict=True):
            assert torch.allclose(tp, decay * p, atol=1e-6)


# ----------------------------------------------------------------------------- loss terms


def _random_terms(tau=0.7, n=6, vocab=9, seed=0):
    g = torch.Generator().manual_seed(seed)
    q1, q2, logits = (torch.randn(n, vocab, generator=g) for _ in range(3))
    q1t, q2t, v_s, v_next, reward = (torch.randn(n, generator=g) for _ in range(5))
    action = torch.randint(vocab, (n,), generator=g)
    done = torch.tensor([0, 0, 1, 0, 0, 1.0])
    cfg = ilql.ILQLConfig(tau=tau)
    # full-vocabulary heads: the Q column of an action is its token id
    return (q1, q2, q1t, q2t, v_s, v_next, logits, action, action, reward, done), cfg


def test_cql_term_equals_cross_entropy_of_q():
    args, cfg = _random_terms()
    q1, q2, action = args[0], args[1], args[7]
    terms = ilql.loss_terms(*args, cfg)
    manual = sum((torch.logsumexp(q, 1) - q.gather(1, action[:, None]).squeeze(1)).mean() for q in (q1, q2))
    assert torch.allclose(terms["cql"], manual)
    assert torch.allclose(terms["cql"], F.cross_entropy(q1, action) + F.cross_entropy(q2, action))


def test_expectile_at_half_is_half_mse_and_asymmetric_otherwise():
    diff = torch.tensor([-2.0, -0.5, 0.3, 1.5])
    assert torch.allclose(ilql.expectile_loss(diff, 0.5), 0.5 * diff.pow(2).mean())
    assert torch.allclose(ilql.expectile_loss(torch.tensor([1.0]), 0.9), torch.tensor(0.9))
    assert torch.allclose(ilql.expectile_loss(torch.tensor([-1.0]), 0.9), torch.tensor(0.1))
    args, cfg = _random_terms(tau=0.5)
    q1t, q2t, v_s = args[2], args[3], args[4]
    terms = ilql.loss_terms(*args, cfg)
    assert torch.allclose(terms["v"], 0.5 * F.mse_loss(v_s, torch.minimum(q1t, q2t)))


@pytest.mark.parametrize("tau", [0.9, 0.2])
def test_loss_terms_use_the_configured_expectile(tau):
    """The V loss of ``loss_terms`` is the tau-expectile of ``min Qhat - V``, for a tau other than 0.5.

    Catches: ``loss_terms`` ignoring ``config.tau`` (a fixed 0.5 turns V into the mean of the data's Q, and
    ILQL's implicit max over in-support actions into plain SARSA); tau = 0.5 alone cannot tell the two apart.
    """
    args, cfg = _random_terms(tau=tau)
    q1t, q2t, v_s = args[2], args[3], args[4]
    diff = torch.minimum(q1t, q2t) - v_s
    assert bool((diff > 0).any() and (diff < 0).any())  # both sides of the asymmetry are exercised
    expected = torch.where(diff < 0, 1 - tau, tau) * diff.pow(2)
    terms = ilql.loss_terms(*args, cfg)
    assert torch.allclose(terms["v"], expected.mean())
    half = ilql.loss_terms(*args, ilql.ILQLConfig(tau=0.5))["v"]
    assert not torch.allclose(terms["v"], half)


def test_awac_weights_the_policy_loss_by_the_clipped_exponentiated_advantage():
    """``awac_beta > 0``: each action's cross-entropy is weighted by ``min(exp(awac_beta * (min Qhat - V)), max)``.

    Catches: a flipped advantage in the weight (imitating the worst actions most) and a missing clip.
    """
    args, _ = _random_terms()
    q1t, q2t, v_s, logits, token = args[2], args[3], args[4], args[6], args[8]
    cfg = ilql.ILQLConfig(awac_beta=2.0, awac_max_weight=3.0)
    weight = torch.exp(2.0 * (torch.minimum(q1t, q2t) - v_s)).clamp(max=3.0)
    assert bool((weight == 3.0).any() and (weight < 1.0).any())  # the clip and small weights both occur
    expected = (weight * F.cross_entropy(logits, token, reduction="none")).mean()
    assert torch.allclose(ilql.loss_terms(*args, cfg)["pi"], expected)
    assert torch.allclose(ilql.loss_terms(*args, ilql.ILQLConfig())["pi"], F.cross_entropy(logits, token))


def test_td_target_uses_detached_v_next_and_masks_terminals():
    args, cfg = _random_terms()
    args = list(args)
    args[0] = args[0].clone().requires_grad_(True)  # q1
    args[5] = args[5].clone().requires_grad_(True)  # v_next
    terms = ilql.loss_terms(*args, cfg)
    terms["q"].backward()
    assert args[5].grad is None  # no gradient flows into V through the TD target
    q1, q2, v_next, reward, done, action = args[0], args[1], args[5], args[9], args[10], args[7]
    target = reward + cfg.gamma * (1 - done) * v_next.detach()
    expected = sum(F.mse_loss(q.gather(1, action[:, None]).squeeze(1), target) for q in (q1, q2))
    assert torch.allclose(terms["q"], expected)


# ----------------------------------------------------------------------------- action vocabulary


def test_action_vocabulary_is_the_data_action_tokens():
    tok = tiny_tokenizer()
    data = [traj("S", "+AB", "U", "+C"), traj("S", "+D", reward=0.0)]
    ids = ilql.action_vocabulary(data, tok)
    assert ids == sorted({t for e in lm.encode_trajectories(data, tok) for t in e.action_tokens()})
    letters = {tok("A", add_special_tokens=False)["input_ids"][0], tok("D", add_special_tokens=False)["input_ids"][0]}
    assert letters <= set(ids) and tok("S", add_special_tokens=False)["input_ids"][0] not in ids
    m = ilql.build(tiny_gpt2(tok), tok, ilql.ILQLConfig(), data)
    assert m.q1.last.out_features == len(ids) and m.action_ids.tolist() == ids
    full = ilql.build(tiny_gpt2(tok), tok, ilql.ILQLConfig(action_vocab="full"), data)
    assert full.action_ids is None and full.q1.last.out_features == len(tok)


def _restricted_copy(full, action_ids):
    """A model on ``action_ids`` whose heads are the full model's heads cut to those columns."""
    m = ilql.ILQLModel(full.lm, full.tokenizer, full.config, action_ids=action_ids)
    ids = m.action_ids
    with torch.no_grad():
        for name in ("q1", "q2", "q1_target", "q2_target"):
            src, dst = getattr(full, name), getattr(m, name)
            dst.body.load_state_dict(src.body.state_dict())
            dst.last.weight.copy_(src.last.weight[ids])
            dst.last.bias.copy_(src.last.bias[ids])
        m.v.load_state_dict(full.v.state_dict())
    return m


def test_action_vocabulary_losses_match_the_full_heads_on_the_same_columns():
    tok = tiny_tokenizer()
    data = [traj("S", "+AB", "U", "+C"), traj("S", "+D", "U", "+AC", reward=0.0)]
    full = ilql.build(tiny_gpt2(tok), tok, ilql.ILQLConfig(action_vocab="full", awac_beta=1.0), data)
    _heads_with_big_advantage(full)
    ids = ilql.action_vocabulary(data, tok)
    m = _restricted_copy(full, ids)
    batch = collate(lm.encode_trajectories(data, tok), tok.pad_token_id)
    with torch.no_grad():
        a, b = full.losses(batch), m.losses(batch)
        g = full.gathered(batch)
    for k in ("q", "v", "pi", "q_mean", "v_mean"):  # TD, expectile and (AWAC-weighted) policy terms agree
        assert torch.allclose(a[k], b[k], atol=1e-6), k
    cols = m.q_columns(batch["action"])
    assert torch.equal(m.action_ids[cols], batch["action"])  # the column of each action names its token
    cql = sum(F.cross_entropy(g[q][:, m.action_ids], cols) for q in ("q1", "q2"))  # CQL's softmax runs over A
    assert torch.allclose(b["cql"], cql, atol=1e-6)
    # the advantage agrees on A; outside A it is the lowest advantage in A at that state
    h = torch.randn(3, full.q1.body[0].in_features)
    adv_full, adv = full.advantage(h), m.advantage(h)
    assert torch.allclose(adv[:, m.action_ids], adv_full[:, m.action_ids], atol=1e-6)
    outside = m.action_column < 0
    low = adv_full[:, m.action_ids].min(-1, keepdim=True).values
    assert torch.allclose(adv[:, outside], low.expand(-1, int(outside.sum())), atol=1e-6)


def test_an_action_outside_the_action_vocabulary_is_an_error():
    tok = tiny_tokenizer()
    m = ilql.build(tiny_gpt2(tok), tok, ilql.ILQLConfig(steps=1, batch_size=1), [traj("S", "+AB")])
    with pytest.raises(ValueError, match=r"action tokens \[\d+\] are not in this model's action vocabulary"):
        ilql.fit(m, [traj("S", "+AZ")])


# ----------------------------------------------------------------------------- generation


def _heads_with_big_advantage(m, seed=1):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for head in (m.q1_target, m.q2_target):
            head.last.weight.copy_(torch.randn(head.last.weight.shape, generator=g) * 3)


VOCABS = pytest.mark.parametrize("action_ids", [None, list(range(5, 60))], ids=["full", "action-vocab"])


@VOCABS
def test_kv_cached_generation_equals_full_reforward(action_ids):
    tok = tiny_tokenizer()
    m = ilql.ILQLModel(tiny_gpt2(tok), tok, ilql.ILQLConfig(), action_ids=action_ids)
    _heads_with_big_advantage(m)
    prompts = ["<|user|>hello world<|end|><|assistant|>", "<|assistant|>"]  # different lengths: left padding
    for kwargs in ({"do_sample": False}, {"seed": 3, "top_k": 20}, {"seed": 4, "top_p": 0.9, "temperature": 0.7}):
        cached = m.generate_ids(prompts, beta=2.0, max_new_tokens=12, **kwargs)
        full = m.generate_ids(prompts, beta=2.0, max_new_tokens=12, use_cache=False, **kwargs)
        assert cached == full, kwargs


@VOCABS
def test_beta_zero_reproduces_the_policy_head_exactly(action_ids):
    tok = tiny_tokenizer()
    model = tiny_gpt2(tok)
    m = ilql.ILQLModel(model, tok, ilql.ILQLConfig(), action_ids=action_ids)
    _heads_with_big_advantage(m)
    prompts = ["<|user|>hello world<|end|><|assistant|>", "<|assistant|>how"]
    ids = [lm.prompt_ids(tok, p) for p in prompts]
    # sampling: identical to sampling from the policy alone with the same seed
    for kwargs in ({"top_k": 10}, {"top_p": 0.8, "temperature": 0.5}, {}):
        policy = lm.generate_tokens(model, ids, pad_id=tok.pad_token_id, stop_ids=[tok.eos_token_id],
                                    max_new_tokens=10, generator=torch.Generator().manual_seed(7),
                                    **kwargs)  # fmt: skip
        assert m.generate_ids(prompts, beta=0.0, max_new_tokens=10, seed=7, **kwargs) == policy
    # greedy: identical to transformers' own generate on the same model
    greedy = m.generate_ids(prompts, beta=0.0, max_new_tokens=8, do_sample=False, stop_ids=[])
    tok.padding_side = "left"
    enc = tok(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    hf = model.generate(**enc, max_new_tokens=8, do_sample=False, eos_token_id=None, pad_token_id=tok.pad_token_id)
    assert hf[:, enc["input_ids"].shape[1] :].tolist() == greedy
    # and a large beta picks argmax(log pi + beta * (min Qhat - V)) at every step, not the policy's argmax
    perturbed = m.generate_ids(prompts, beta=50.0, max_new_tokens=8, do_sample=False, stop_ids=[])
    assert perturbed == [_reference_greedy(m, p, beta=50.0, steps=8) for p in ids]
    assert perturbed != greedy  # precondition: the heads are strong enough for the two to differ


def _reference_greedy(m, ids, beta, steps, top_k=0):
    """Greedy ILQL decoding written out from the definition: re-run the trunk on the whole sequence each step and
    take ``argmax(log_softmax(policy) + beta * (min(Qhat1, Qhat2) - V))`` (top-k on the policy first)."""
    seq = list(ids)
    out = []
    with torch.no_grad():
        for _ in range(steps):
            x = torch.tensor([seq])
            hidden, _ = lm.trunk(m.lm, x, torch.ones_like(x))
            h = hidden[:, -1]
            logp = torch.log_softmax(lm.lm_logits(m.lm, h), -1)
            if top_k:
                logp = logp.masked_fill(logp < torch.topk(logp, top_k, -1).values[..., -1:], float("-inf"))
            adv = torch.minimum(m.q1_target(h), m.q2_target(h)) - m.v(h)
            if m.action_ids is not None:  # tokens outside the action vocabulary: the lowest advantage in it
                full = adv.min(-1, keepdim=True).values.expand(-1, logp.shape[-1]).clone()
                full[:, m.action_ids] = adv
                adv = full
            token = int((logp + beta * adv).argmax(-1))
            out.append(token)
            seq.append(token)
    return out


def test_top_k_before_the_advantage_keeps_samples_on_the_policy_support():
    tok = tiny_tokenizer()
    m = ilql.ILQLModel(tiny_gpt2(tok), tok, ilql.ILQLConfig())
    _heads_with_big_advantage(m)
    prompt = ["<|assistant|>"]
    policy_greedy = m.generate_ids(prompt, beta=0.0, do_sample=False, max_new_tokens=6, stop_ids=[])
    # top_k=1 before the advantage: only the policy's argmax survives, whatever beta
    assert m.generate_ids(prompt, beta=100.0, top_k=1, seed=0, max_new_tokens=6, stop_ids=[]) == policy_greedy
    # top_k=1 after the advantage: only the argmax of the perturbed scores survives (greedy ILQL at that beta)
    after = m.generate_ids(prompt, beta=100.0, top_k=1, seed=0, max_new_tokens=6, stop_ids=[], filter_order="after")
    [ids] = [lm.prompt_ids(tok, p) for p in prompt]
    assert after == [_reference_greedy(m, ids, beta=100.0, steps=6)]
    assert after != policy_greedy  # precondition: the two orders lead to different tokens here
    # top_k=3 before the advantage: the advantage re-ranks the policy's three best tokens only
    before3 = m.generate_ids(prompt, beta=100.0, top_k=3, do_sample=False, max_new_tokens=6, stop_ids=[])
    assert before3 == [_reference_greedy(m, ids, beta=100.0, steps=6, top_k=3)]


# ----------------------------------------------------------------------------- learning


def test_tabular_chain_q_converges_to_r_plus_gamma_v():
    tok = tiny_tokenizer()
    gamma = 0.9
    cfg = ilql.ILQLConfig(steps=800, batch_size=4, lr=1e-3, gamma=gamma, tau=0.5, cql_weight=0.0, polyak_alpha=0.1,
                          seed=0)  # fmt: skip
    data = [traj("S", "+ABC", "U", "+DE", reward=1.0)] * 4
    m = ilql.train(data, tiny_gpt2(tok, n_embd=32), tok, cfg)
    batch = collate(lm.encode_trajectories(data[:1], tok), tok.pad_token_id)
    with torch.no_grad():
        g = m.gathered(batch)
    q = g["q1"].gather(1, m.q_columns(batch["action"])[:, None]).squeeze(1)
    target = batch["reward"] + gamma * (1 - batch["done"]) * g["v_next"]
    assert torch.allclose(q, target, atol=0.05), (q, target)
    # one action per state in the data: V = Q, so Q is the discounted return (user tokens are one transition)
    expected = torch.tensor([gamma**4, gamma**3, gamma**2, gamma, 1.0])
    assert torch.allclose(q, expected, atol=0.06), q


# ----------------------------------------------------------------------------- what makes ILQL more than imitation
#
# Each test below names the mutation (a deliberate bug) it exists to catch; tools/mutation_check.py applies
# those mutations to a copy of the repository and checks that these fast tests fail.

# Two candidate actions whose policy and value disagree: the policy prefers token 1, the target heads token 2.
WORSE, BETTER = 1, 2


def two_action_model(action_ids=None, T=8, vocab=5):
    """A one-hot trunk with hand-set linear heads, the same at every position:

    * policy logits: token 1 -> 2.0, token 2 -> 0.5, others -10 (log pi(1) - log pi(2) = 1.5);
    * target heads: Qhat1 = (0, 0, 1, 0, 0), Qhat2 = (0, 10, 5, 0, 0): min = 0 for token 1, 1 for token 2
      (the max would prefer token 1);
    * online heads: the opposite preference (token 1 -> 3, token 2 -> -3);
    * V = 0.5 everywhere: advantages -0.5 (token 1) and +0.5 (token 2).

    So greedy decoding picks token 1 at beta = 0 and at beta = 1 (1.5 > 1), token 2 at beta = 4 (4 > 1.5).
    """
    cfg = ilql.ILQLConfig(head_hidden=0)
    m = ilql.ILQLModel(OneHotTrunk(T, vocab), SimpleNamespace(pad_token_id=0), cfg, action_ids=action_ids)

    def set_head(head, per_token):
        cols = range(vocab) if action_ids is None else sorted(action_ids)
        with torch.no_grad():
            head.last.weight.zero_()
            head.last.bias.copy_(torch.tensor([float(per_token[c]) for c in cols]))

    with torch.no_grad():
        m.lm.head.weight.copy_(torch.tensor([-10.0, 2.0, 0.5, -10.0, -10.0])[:, None].expand(vocab, T))
    set_head(m.q1_target, [0, 0, 1, 0, 0])
    set_head(m.q2_target, [0, 10, 5, 0, 0])
    set_head(m.q1, [0, 3, -3, 0, 0])
    set_head(m.q2, [0, 3, -3, 0, 0])
    with torch.no_grad():
        m.v.last.weight.zero_()
        m.v.last.bias.fill_(0.5)
    return m


@pytest.mark.parametrize("action_ids", [None, [WORSE, BETTER, 3]], ids=["full", "action-vocab"])
def test_a_high_beta_picks_the_action_the_target_heads_value_and_beta_zero_does_not(action_ids):
    """At beta = 0 greedy decoding follows the policy (token 1); at beta = 4 it takes the action with the higher
    ``min(Qhat1, Qhat2) - V`` (token 2), although the policy prefers the other one.

    Catches: the advantage's sign flipped (``V - min Q``), the advantage read from the online Q heads instead of
    the target heads, ``max`` instead of ``min`` over the two target heads, and beta not multiplying the
    advantage (beta = 1 would then pick like beta = 4).
    """
    m = two_action_model(action_ids)
    h = F.one_hot(torch.tensor([3]), 8).float()
    adv = m.advantage(h)[0]
    assert adv[WORSE].item() == -0.5 and adv[BETTER].item() == 0.5
    prompt = [[4, 4, 4]]
    assert m.generate_ids(prompt, beta=0.0, do_sample=False, max_new_tokens=3, stop_ids=[]) == [[WORSE] * 3]
    assert m.generate_ids(prompt, beta=1.0, do_sample=False, max_new_tokens=3, stop_ids=[]) == [[WORSE] * 3]
    assert m.generate_ids(prompt, beta=4.0, do_sample=False, max_new_tokens=3, stop_ids=[]) == [[BETTER] * 3]
    # sampling: pi_beta(a) ∝ pi(a) exp(beta * A(a)); at beta = 8 token 2 has odds exp(8 - 1.5) ≈ 665 : 1
    [sampled] = m.generate_ids(prompt, beta=8.0, seed=0, max_new_tokens=4, stop_ids=[])
    assert sampled == [BETTER] * 4


def test_v_regresses_to_the_target_heads_not_the_online_heads():
    """The expectile regression's target ``min Qhat(s, a)`` comes from the Polyak-averaged heads.

    Catches: ``gathered`` reading the online heads for the V target (V would chase a moving, self-reinforcing
    estimate, which the target networks exist to prevent).
    """
    m = one_hot_model()
    with torch.no_grad():
        m.q1_target.last.bias.add_(1000.0)  # Qhat1 = Q1 + 1000; Qhat2 = Q2 + 2000 (so min Qhat = Qhat1)
        m.q2_target.last.bias.add_(2000.0)
    batch = collate([SEQ], pad_id=0)
    g = m.gathered(batch)
    states = [1, 2, 3, 6, 7]
    expected = [100.0 * s + a + 1000.0 for s, a in zip(states, batch["action"].tolist(), strict=True)]
    assert g["q1_target_sa"].tolist() == expected
    assert g["q2_target_sa"].tolist() == [x + 1000.0 for x in expected]
    terms = m.losses(batch)
    diff = torch.tensor(expected) - g["v_s"]
    assert torch.allclose(terms["v"], ilql.expectile_loss(diff, m.config.tau))


def sparse_reward_data():
    """Two decisions per episode, one reward at the very end.

    The first action is "A" (once in four episodes) or "B"; the user replies "U"; the second action is "C".
    The episode pays 1 at its last token if the first action was "A", else 0. BC learns pi(A | S) = 1/4; only a
    value that propagates back from the end, through the user's turn, makes A the better first action.
    """
    return [traj("S", "+A", "U", "+C", reward=1.0)] + [traj("S", "+B", "U", "+C", reward=0.0)] * 3


def test_value_propagates_back_from_a_sparse_final_reward():
    """Trained on :func:`sparse_reward_data`: Q(S, A) ≈ gamma * 1 and Q(S, B) ≈ 0, so the advantage prefers A
    by about gamma; greedy decoding says B at beta = 0 (the imitation answer) and A at beta = 8.

    Catches: a myopic TD target (gamma = 0 or a missing ``V(s')`` term: no reward at the first action, so no
    preference), the advantage's sign flipped, and a next state that skips the wrong tokens (V of the state
    after the user's reply is what carries the reward back). Trains a 2-layer model for 300 steps (~2 s).
    """
    tok = tiny_tokenizer()
    gamma = 0.8
    cfg = ilql.ILQLConfig(steps=300, batch_size=4, lr=3e-3, gamma=gamma, tau=0.7, cql_weight=0.01,
                          polyak_alpha=0.1, seed=0)  # fmt: skip
    data = sparse_reward_data()
    m = ilql.train(data, tiny_gpt2(tok), tok, cfg)
    a, b = (tok(x, add_special_tokens=False)["input_ids"][0] for x in "AB")
    prompt = lm.prompt_ids(tok, "S")
    with torch.no_grad():
        hidden, _ = lm.trunk(m.lm, torch.tensor([prompt]), torch.ones(1, len(prompt), dtype=torch.long))
        h = hidden[:, -1]
        q = torch.minimum(m.q1_target(h), m.q2_target(h))[0, m.q_columns(torch.tensor([a, b]))]
        adv = m.advantage(h)[0]
    assert q[0].item() == pytest.approx(gamma, abs=0.15) and q[1].item() == pytest.approx(0.0, abs=0.15), q
    assert adv[a] - adv[b] > gamma / 2, (adv[a], adv[b])
    greedy = {beta: m.generate_ids([prompt], beta=beta, do_sample=False, top_k=2, max_new_tokens=1, stop_ids=[])
              for beta in (0.0, 8.0)}  # fmt: skip
    assert greedy == {0.0: [[b]], 8.0: [[a]]}


# ----------------------------------------------------------------------------- persistence


def test_save_load_round_trip(tmp_path):
    tok = tiny_tokenizer()
    cfg = ilql.ILQLConfig(steps=3, batch_size=2, seed=5, cql_weight=0.2)
    m = ilql.train([traj("S", "+AB", "U", "+C"), traj("S", "+D", reward=0.0)], tiny_gpt2(tok), tok, cfg)
    m.extra_meta["data"] = {"format": "test"}
    m.save_pretrained(tmp_path / "ck")
    m2 = ilql.ILQLModel.from_pretrained(tmp_path / "ck")
    assert m2.config == cfg and m2.polyak_updates == 3 and m2.extra_meta["data"] == {"format": "test"}
    assert m.action_ids is not None and torch.equal(m2.action_ids, m.action_ids)
    for name in ("q1", "q2", "v", "q1_target", "q2_target"):
        for p, p2 in zip(getattr(m, name).parameters(), getattr(m2, name).parameters(), strict=True):
            assert torch.equal(p, p2)
    prompts = ["<|user|>hello<|end|><|assistant|>"]
    assert m.generate(prompts, beta=3, seed=0, max_new_tokens=8) == m2.generate(
        prompts, beta=3, seed=0, max_new_tokens=8
    )


def test_loading_errors_name_the_problem(tmp_path):
    from dialgym.agents import bc

    with pytest.raises(lm.CheckpointError, match="does not exist"):
        ilql.ILQLModel.from_pretrained(tmp_path / "nope")
    tok = tiny_tokenizer()
    b = bc.train([traj("S", "+AB")], tiny_gpt2(tok), tok, bc.BCConfig(steps=1, batch_size=1))
    b.save_pretrained(tmp_path / "bc")
    with pytest.raises(lm.CheckpointError, match="algorithm 'bc', expected 'ilql'"):
        ilql.ILQLModel.from_pretrained(tmp_path / "bc")


def test_config_validation_names_the_bad_value():
    with pytest.raises(ValueError, match=r"tau=1\.5 must be in \(0, 1\)"):
        ilql.ILQLConfig(tau=1.5)
    with pytest.raises(ValueError, match=r"action_vocab='some' must be one of \['data', 'full'\]"):
        ilql.ILQLConfig(action_vocab="some")
    with pytest.raises(ValueError, match="trajectory 0 has no"):
        lm.encode_trajectories([([("just context", False)], 1.0)], tiny_tokenizer())


def test_training_fine_tunes_the_given_lm_and_the_online_heads_only():
    """ILQL trains the policy (the LM itself, by the BC term) and the online heads; the targets move by Polyak only.

    Catches: an LM left out of the optimizer (the policy that beta perturbs would stay an untrained prior) and
    target heads that move by anything but the Polyak step (at polyak_alpha = 0 they must not move). An earlier
    test claimed the heads never touch the LM: false, the BC term fine-tunes every LM tensor, in place.
    """
    tok = tiny_tokenizer()
    model = tiny_gpt2(tok)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    m = ilql.build(model, tok, ilql.ILQLConfig(steps=2, batch_size=1, polyak_alpha=0.0), [traj("S", "+AB")])
    heads = {name: copy.deepcopy(getattr(m, name).state_dict()) for name in ("q1", "v", "q1_target", "q2_target")}
    ilql.fit(m, [traj("S", "+AB")])
    assert m.lm is model
    moved = [k for k, v in model.state_dict().items() if not torch.equal(before[k], v)]
    params = {k for k, _ in model.named_parameters()}
    assert params <= set(moved), sorted(params - set(moved))
    for name in ("q1", "v"):
        assert any(not torch.equal(v, getattr(m, name).state_dict()[k]) for k, v in heads[name].items()), name
    for name in ("q1_target", "q2_target"):  # polyak_alpha = 0: the targets must not move at all
        assert all(torch.equal(v, getattr(m, name).state_dict()[k]) for k, v in heads[name].items()), name


@pytest.mark.slow
def test_stitching_example_ilql_beats_imitation():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "ilql_stitching.py"
    spec = importlib.util.spec_from_file_location("ilql_stitching", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    results = example.run(steps=400, episodes=100, verbose=False)
    assert results["ILQL beta=16"]["success"] >= 0.9, results
    assert results["BC"]["success"] <= 0.1 and results["filtered BC"]["success"] <= 0.1, results
