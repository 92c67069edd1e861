"""The reply and phrase banks are byte-identical after moving from Python literals to TOML data files.

EXPECTED holds a fingerprint (sha256 of ``json.dumps([key, phrasings])``, 16 hex digits) of every
entry of every bank, computed once from the Python literals before they moved; key order is
part of the check, because the scripted user and agents draw phrasings by index. An entry changed
on purpose since carries a comment saying why (so a change is always a decision, never an accident).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import tomllib
from pathlib import Path

import pytest

import dialgym

EXPECTED: dict[str, dict[str, str]] = {
    "persuasion.REPLIES": {
        "hint_emotion": "d509fd57d24bbb12",
        "hint_logic": "4730d019431f13f8",
        "hint_credibility": "97b0d4e286f14714",
        "hint_social": "f6cde43615af15aa",
        "hint_budget_tight": "c3a038557bbf99eb",
        "hint_budget_moderate": "3883a75aef96bb62",
        "hint_budget_comfortable": "042327c337a4bb0e",
        "hint_filler": "5135aec9e72694dd",
        "hint_inclined": "be59f8b2823e66b0",
        "hint_disinclined": "f54f6813f9b7eb6d",
        "hint_knows": "5f42c06535fcdc84",
        "hint_unknown": "4c6485e9d73d4b22",
        "concern": "d242b442526043fe",
        "deflect": "4f70fd34e6c0bff9",
        "nothing_more": "fee83986f73b5d54",
        "moved_emotion": "55935b5c90a2ac98",
        "moved_logic": "671a5dd984cbdb3c",
        "moved_credibility": "39690d7a4915df4a",
        "moved_social": "762a1c37cac3caf2",
        "moved_foot": "6cbcba8862bc0502",
        "anchored": "174ea5c72b4f4097",
        "mild": "96e9082bbff99dfe",
        "flat": "50bf457d5b2ab805",
        "informed": "5e315d9e9940b1bb",
        "already_known": "de21f6a21a07b1be",
        "repeat": "7629f89c3fd63e74",
        "dislike_emotion_logic": "6f71277997ded78b",
        "dislike_emotion_credibility": "986f91655b94f7a4",
        "dislike_social_credibility": "ad99f9d2f302d7c4",
        "dislike_social_logic": "1a475870ac6053f2",
        "dislike_other": "08473ea6a7cefbab",
        "greet_back": "c60c922c1d476c88",
        "greet_again": "421d2190017c98da",
        "rapport_reply": "b5f2e6bc8141110b",
        "pitch_dump": "fc5a6e452e88c768",
        "thanks_reply": "0385e198be52afed",
        "thanks_again": "5cd3e40d38ebd351",
        "off_task": "f92e2ecbf88c94d2",
        "too_early": "a7c6ab4b8a836422",
        "counter": "8553e11cc89cbc4d",
        "what_do_they_do": "b583b1dc742ef795",
        "donate": "6e818633214761cb",
        "refuse": "3689d7977ee7325a",
        "leave": "a6c73c416ca1b02e",
        "time_warning": "456c18fc102d07e3",
    },
    "persuasion.AGENT_PHRASES": {
        "greeting": "5102f70ee8bff6a0",
        "thanks": "9e2b1314c3ae5841",
        "proposition_of_donation": "1ad4588d999ebe2a",
        "self_modeling": "558390cdca721130",
        "personal_story": "23a9768b2c31ca8b",
        "emotion_appeal": "b24c4eb18542b1ea",
        "logical_appeal": "368bffddac66ad8c",
        "credibility_appeal": "4adc0308f155d55d",
        "donation_information": "7a2d314e8216cd07",
        "foot_in_the_door": "92afdb00961345db",
        "source_related_inquiry": "1783965e75cf01b1",
        # changed on purpose (issue 12): questions about the person's own giving are personal-related, as
        # PersuasionForGood labels them, so the task-related bank asks for their view of giving instead
        "task_related_inquiry": "763be69885c090a0",
        "personal_related_inquiry": "b208e4aa2f6d5587",
    },
    "counseling.REPLIES": {
        "opening": "675616476527eea7",
        "reveal_job_crisis": "74fe05c2eaa1130f",
        "reveal_breakup_with_partner": "6920f0574e2a3ecb",
        "reveal_problems_with_friends": "6b9e186e7d0d0c8e",
        "reveal_academic_pressure": "f2e9619b8c5c8a7c",
        "reveal_ongoing_depression": "873e09d9187196ed",
        "reveal_anxiety": "0b2eabb238689828",
        "reveal_depression": "1608d7172859c45f",
        "reveal_sadness": "a4e79e422dc08b8d",
        "reveal_anger": "17f1202d56d76bd2",
        "reveal_fear": "9b198b3f6c102909",
        "reveal_shame": "b6a7240081fd1f84",
        "reveal_disgust": "7c02c3546124a557",
        "reveal_more_emotion": "4ed87bdc23940b79",
        "reveal_talk_to_someone": "b618694c9814a3c4",
        "reveal_practical_plan": "dac5c1b88969b407",
        "reveal_self_care": "c3a57f61f4c24c6e",
        "deflect_guarded": "0a817f68777b1f30",
        "deflect_slow": "d15c0d7221af47f9",
        "nothing_new": "68382d05d0d00947",
        "reflect_right": "37f6c5ca1ebc57c2",
        "reflect_repeat": "8fc5e328df9e60d7",
        "reflect_guess": "128ed124389cbb86",
        "reflect_wrong": "58952760577a45b1",
        "reflect_generic": "e231f986f40d9957",
        "restate_right": "0db9e80e7ef0d48b",
        "restate_guess": "c25e56f0d8461c6c",
        "restate_wrong": "a9bd8264467ab664",
        "restate_generic": "d5ad41ab487d99c9",
        "affirm_ok": "8403eacfac84a4c4",
        "affirm_hollow": "a0e2eb8087f008f7",
        "disclose_ok": "7f9a809860f9c7fd",
        "disclose_early": "93361376f4442a84",
        "disclose_bad": "9cc9c751c909be12",
        "info_ok": "53d98fc1705d60c8",
        "info_early": "eae5fdc8376c5ccb",
        "info_repeat": "0c9df1627f60ec39",
        "others_ok": "a28895f921c8ad75",
        "others_repeat": "3d92486f55289450",
        "sugg_premature": "a905fe7f9c5a633a",
        "sugg_right": "f3aa025898c22782",
        "sugg_right_again": "83e03a6fc9247910",
        "sugg_wrong": "d1b73272dad62c50",
        "sugg_generic": "ce447414aedc152c",
        "off_task": "2dd66d225cd5df2c",
        "overwhelmed": "eeb4a61c6796be41",
        "false_claim": "350597d596ff1bcd",
        "parroted": "178c5a70aeb094d2",
        "leave_better": "6667e5ccaa19d2df",
        "leave_upset": "6ca47d2f260c2ad5",
    },
    "counseling.AGENT_PHRASES": {
        "question": "1b5c83fcd7015e68",
        "restatement_or_paraphrasing": "eea976f0eb923af2",
        "restatement_or_paraphrasing:arg": "c6f274ade9b41a9e",
        "reflection_of_feelings": "22d7618a40139c24",
        "reflection_of_feelings:arg": "6b21c8e9dd330b5d",
        "self_disclosure": "033e1c663b492bf4",
        "affirmation_and_reassurance": "d5f961e26138dfc4",
        "providing_suggestions": "d8d0ec910862f247",
        "providing_suggestions:talk_to_someone": "f1caaf6da0c800d5",
        "providing_suggestions:practical_plan": "f8e67d4dd951eff6",
        "providing_suggestions:self_care": "86c7b4904bfb6e4d",
        "information": "57123dcf91bd4810",
        "others": "f628bf45965afc59",
    },
    "counseling._EMOTION_ADJ": {
        "anxiety": "23e01f1f099fa585",
        "depression": "8a6c93ee722a09ff",
        "sadness": "024b36bcad8f1b9b",
        "anger": "af7863c8cb600833",
        "fear": "4ded6ed4197c841c",
        "shame": "9a964e34f7bf0bc2",
        "disgust": "90c43522b8f39aca",
    },
    "counseling._PROBLEM_PHRASE": {
        "job_crisis": "4fbc79bda6cd5a3e",
        "breakup_with_partner": "ed809ad00e440605",
        "problems_with_friends": "023ca7d17c03bbad",
        "academic_pressure": "143e733287d7bd4b",
        "ongoing_depression": "a5316c8b7511d02e",
    },
    "instruction.REPLIES": {
        "opening": "2e6395a32674edc0",
        "bg_novice": "397e65707d65086b",
        "bg_intermediate": "ce6d05ce7a938243",
        "bg_advanced": "be49e51c7777a704",
        "pref_examples": "dcd62539587e0493",
        "pref_unsure": "639894f063126a1f",
        "pref_analogies": "a21e91893096b2c8",
        "pref_formal": "310b12895e3b6913",
        "ask_again": "28758e00c0fe084d",
        "expl_good": "66dfb76e09e2ee30",
        "expl_meh": "234e487116c1c9c5",
        "expl_confused": "00a2ce380a195aee",
        "expl_bored": "a5ba553a0b8307f5",
        "expl_pretend": "85de268f2c714c0c",
        "expl_tired": "f040be5b6d9f3eba",
        "quiz_pass": "ffb07e4757fbf68c",
        "quiz_partial": "c57cca46f020747f",
        "quiz_fail": "2ea4df1a2b429256",
        "quiz_gap_novice": "d3226ae6dc0f9351",
        "quiz_gap_intermediate": "e06800908cf7cbb5",
        "summary_good": "986f1cabd36c6f17",
        "summary_early": "b560ad7a00b6d524",
        "summary_again": "d041bd84cb3a709f",
        "encourage_good": "0bda81ca8f7e3ab6",
        "encourage_again": "e01b348a0607bc81",
        "rapport_reply": "959b418f27495284",
        "overwhelmed": "1be43a61d6c9cd4a",
        "off_concept": "ee168e3c5f6e491b",
        "greeting_reply": "1bcdeeace03b3a8c",
        "greeting_again": "57d294dcd01b2b96",
        "off_task": "c1cd0a845381539c",
        "end_understood": "ea265e78190dfed9",
        "end_give_up": "a12ba742d50c9fc8",
    },
    "instruction.AGENT_PHRASES": {
        "greeting": "99ede131dc650703",
        "ask_background": "4502e9ae993f25ac",
        "ask_preference": "996f1db9b24da151",
        "check_understanding": "fc7a325ed4451ed6",
        "summarize": "7cd3ac93698f4948",
        "encourage": "32a9a6fd134a0daa",
    },
    "instruction.CONCEPT_SNIPPETS": {
        "compound_interest": "a75b59aa7ad5e9a3",
        "photosynthesis": "9d438fccbf9b97e2",
        "recursion": "8d05b0e8fa1be747",
        "supply_and_demand": "2065a280ddd2042d",
    },
    "instruction._GENERIC_SNIPPETS": {
        "examples": "6449f3ce01697b92",
        "analogies": "b537b3af5c8d9ebd",
        "formal": "dfa9a521570ca429",
    },
    "instruction._STYLE_LEADS": {
        "examples": "c900e57de44dd406",
        "analogies": "d0709b7a236ca13e",
        "formal": "e6f4c32221b6c31a",
    },
    "instruction._LEVEL_LEADS": {
        "basic": "208fa348d0f470ce",
        "intermediate": "525afb745475d142",
        "advanced": "f75ba06e75ce201b",
    },
    "travel.REPLIES": {
        "opening": "ab3f8ff47ad7d5d9",
        "greet_back": "e583fc1051dfe77b",
        "greet_again": "28d41f1383a20c59",
        "primary": "89106e3715d88510",
        "secondary": "f5da6f80fbe50fc9",
        "interests_done": "a0274849ac0dfc47",
        "vague": "95c22017780b0faf",
        "budget_again": "545b1e50c5a5c2da",
        "active": "03826d65444500e5",
        "easy": "7015a76b35ad5f30",
        "no_dealbreakers": "21a990b456d1005e",
        "no_more_dealbreakers": "15e92513be2492f0",
        "asked_again": "8f4ebb79594f83f3",
        "too_many_questions": "b8857c110299e426",
        "one_at_a_time": "9c84832e9f9e022e",
        "off_task": "1455322f5ddcb2b5",
        "rapport_back": "517044845840af4e",
        "rapport_stall": "5628af0e21d8a562",
        "claim": "5314c3fe7cb52b0d",
        "vague_recommend": "eb8c1b1a0d185de7",
        "accept": "a5b7f16fd13cdf94",
        "settle": "f25982ba94385a1c",
        "reject_dealbreaker": "56adb15d57c429f5",
        "told_you": "926284ffa3d0c1d4",
        "reject_budget": "043502df28c44ec6",
        "reject_mismatch": "55ac3fcdd2b1e9c4",
        "reject_near": "2a511aea78adc9a3",
        "reject_near_generic": "ad6ab50211545888",
        "reject_vague": "e200bc4d704285b6",
        "reject_repeat": "105296cfac1930ff",
        "leave": "f04f46d1559a504c",
        "prefer": "38fdd0d243bd1511",
        "prefer_like": "9fab55d4bb2012f0",
        "prefer_other_bad": "0145dced97b5c3ba",
        "prefer_other_pricey": "83d3a510bca83040",
        "compared_again": "cf19cacba9e08897",
        "neither": "f508ec68bb40d648",
        "both_same": "b8770ed8d828768b",
    },
    "travel.AGENT_PHRASES": {
        "greeting": "34dcea0ce5fcd5ba",
        "ask_preferences": "568b07cb266c5149",
        "ask_budget": "0b94e12300ef5fdb",
        "ask_activity_level": "862b2e04c8513621",
        "ask_interests": "24a775f2307427db",
        "ask_dealbreakers": "0beaf93395e141ca",
        "recommend": "bada1b4f8fd4c986",
        "offer_comparison": "fdf65a3f1f163a46",
    },
    "travel.LIKES": {
        "culture": "29604a07e98d6ff1",
        "food": "a49fc5657c28bcfc",
        "nature": "62dfd7c2cbabdb08",
        "adventure": "e260b9aeab53fdd0",
        "relaxation": "447a6fb5dd94e786",
        "nightlife": "d6e4f36524b16745",
    },
    "travel.MORE": {
        "culture": "b44da955e576c042",
        "food": "a2d2b8e9cc748ecb",
        "nature": "714c00b131ccf0db",
        "adventure": "4478540e018cde91",
        "relaxation": "f0dbde50516bbb3f",
        "nightlife": "8e224d8a2977bd20",
    },
    "travel.DISLIKES": {
        "culture": "db01c6ba1c49eabe",
        "food": "cd1dcb18a2d3fed1",
        "nature": "217362cd9767de37",
        "adventure": "e062dcfa70a6a501",
        "relaxation": "449508f4413e923a",
        "nightlife": "6ba65d428c26a1eb",
    },
    "travel.BUDGET_PHRASES": {
        "0": "0e6987eabc0e0303",
        "1": "8731d8807f271444",
        "2": "b242dd3bd0f4ab14",
        "3": "ee2bc90921e7a76f",
    },
    "travel.DEALBREAKER_PHRASES": {
        "no_physical": "1ed05c3146af022b",
        "no_alcohol": "e7aead55af01e223",
        "kid_friendly": "01f12028ca40e572",
        "no_water": "3376968b449899f3",
    },
}

#: task -> data files that hold its banks (each must exist, be valid TOML, and be what the module loaded)
DATA_FILES: dict[str, tuple[str, ...]] = {
    "persuasion": ("replies.toml", "phrases.toml"),
    "counseling": ("replies.toml", "phrases.toml"),
    "instruction": ("replies.toml", "phrases.toml"),
    "travel": ("replies.toml", "phrases.toml"),
}


def _fingerprint(key: object, value: object) -> str:
    return hashlib.sha256(json.dumps([key, value], ensure_ascii=False).encode()).hexdigest()[:16]


@pytest.mark.parametrize("bank", sorted(EXPECTED))
def test_every_bank_entry_is_unchanged(bank: str) -> None:
    task, name = bank.split(".")
    table = getattr(importlib.import_module(f"dialgym.tasks.{task}.language"), name)
    got = {str(k): _fingerprint(k, v) for k, v in table.items()}
    assert list(got) == list(EXPECTED[bank]), f"{bank}: keys or their order changed"
    changed = [k for k in got if got[k] != EXPECTED[bank][k]]
    assert not changed, f"{bank}: the text of {changed} changed"


@pytest.mark.parametrize(("task", "name"), [(t, f) for t, files in DATA_FILES.items() for f in files])
def test_banks_load_from_the_data_files(task: str, name: str) -> None:
    """The module's banks are the file's contents (not a leftover literal), and the file ships with the package."""
    path = Path(dialgym.__file__).parent / "tasks" / task / name
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    language = importlib.import_module(f"dialgym.tasks.{task}.language")
    if name == "replies.toml":
        assert data == language.REPLIES
    else:
        assert data["agent_phrases"] == language.AGENT_PHRASES
        for table, value in data.items():
            attr = next(a for a in (table.upper(), "_" + table.upper()) if hasattr(language, a))
            loaded = getattr(language, attr)
            assert {str(k): v for k, v in loaded.items()} == value, f"{task}/{name}: [{table}]"
