from __future__ import annotations

import pytest
from pydantic import ValidationError

from frontdesk.errors import ConfigurationError
from frontdesk.guards import BusinessRule, GuardPolicy, OnFail, TextVault
from frontdesk.settings import Settings


def test_vault_round_trips_and_refuses_another_key() -> None:
    vault = TextVault(b"k" * 32)
    token = vault.encrypt("card 4111 1111 1111 1111")
    assert "4111" not in token
    assert vault.decrypt(token) == "card 4111 1111 1111 1111"
    with pytest.raises(ConfigurationError):
        TextVault(b"x" * 32).decrypt(token)


def test_vault_key_comes_from_settings() -> None:
    settings = Settings(secret_key="a-long-enough-test-secret-value")
    a = TextVault.from_settings(settings)
    b = TextVault.from_settings(settings)
    assert b.decrypt(a.encrypt("hello")) == "hello"


def test_policy_round_trips_and_forbids_unknown_fields() -> None:
    policy = GuardPolicy(
        pii_ner=True,
        rules=(BusinessRule(id="no-guarantee", kind="forbidden_phrase", pattern="guarantee",
                            on_fail=OnFail.DROP_SENTENCE),),
    )  # fmt: skip
    config = policy.to_config()
    assert policy.model_dump(mode="json")["rules"][0]["on_fail"] == "drop_sentence"
    assert GuardPolicy.model_validate(config) == policy
    with pytest.raises(ValidationError):
        GuardPolicy.model_validate({**config, "injection_treshold": 0.4})
    with pytest.raises(ValidationError):
        GuardPolicy(pii_labels=("EMAIL", "SHOE_SIZE"))
    with pytest.raises(ValidationError):
        BusinessRule(id="bad", kind="regex", pattern="(unclosed")
