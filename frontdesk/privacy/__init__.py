"""Privacy a DPO can sign off: erase one customer everywhere, export what is stored about
them (data-subject access), with an audit record of every erasure."""

from frontdesk.privacy.service import ErasureRequest, PrivacyService

__all__ = ["ErasureRequest", "PrivacyService"]
