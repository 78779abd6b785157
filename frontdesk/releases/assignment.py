"""Which release a conversation gets during a rollout: a stable hash of its id.

The hash is salted with the rollout's id so each rollout samples a fresh set of
conversations, and never consults the clock or the replica, so every replica puts one
conversation on the same side for the whole rollout: it never switches mid-way.
"""

from __future__ import annotations

import hashlib

from frontdesk.domain.release import RolloutMode


def bucket(rollout_id: str, conversation_id: str) -> float:
    """A number in [0, 100), uniform over conversations and fixed for each."""
    digest = hashlib.sha256(f"{rollout_id}:{conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * 100.0


def takes_candidate(rollout_id: str, conversation_id: str, share: float) -> bool:
    """Whether this conversation is in the candidate's ``share`` percent."""
    return bucket(rollout_id, conversation_id) < share


SHARE_LIMITS: dict[RolloutMode, tuple[float, float]] = {
    RolloutMode.SHADOW: (1.0, 100.0),
    RolloutMode.CANARY: (1.0, 50.0),
    RolloutMode.AB: (1.0, 99.0),
}
