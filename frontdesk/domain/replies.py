"""The fixed texts customers see, in one place: the seed of a per-tenant, per-language
message catalogue. Stages import them from here rather than from each other."""

from __future__ import annotations

HANDOFF_ANSWER = (
    "I'm passing this conversation to a person from our team. They will reply here, "
    "usually within a few minutes during opening hours."
)
NO_KNOWLEDGE_ANSWER = (
    "I don't have any help-center knowledge to answer from yet, so I can't answer this "
    "reliably. You can ask to talk to a person."
)
NO_EVIDENCE_ANSWER = (
    "I couldn't find this in our help center, so I'd rather not guess. "
    "You can rephrase the question, or ask to talk to a person."
)
REFUSAL = (
    "I can't help with that request here. If you need help with your account or an order, "
    "please rephrase your question or ask to talk to a person."
)
CLARIFY_REPLY = "Could you tell me a little more about what you need, so I can help?"
FALLBACK_ANSWER = (
    "Sorry, something went wrong on our side while answering. "
    "Please try again, or ask to talk to a person."
)
# A question in another language asked while the tenant's multilingual index is still
# being built for the first time (minutes after a new help center or the first start):
# not declined because of our warm-up, handed to a person.
WARMING_UP_ANSWER = (
    "One moment, please: I'm still getting ready to answer questions in your language, so "
    "I'm passing this to a person from our team. They will reply here, usually within a "
    "few minutes during opening hours."
)
POINTER_INTRO = "Here is how it works:"
POINTER_HANDOFF = (
    "A colleague from our team will take over and reply here, usually within a few "
    "minutes during opening hours."
)
