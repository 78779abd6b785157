"""py3langid detectors share one loaded model per process; a detector restricted to some
languages never restricts another."""

from __future__ import annotations

from frontdesk.domain.catalogue import CATALOGUE_LANGUAGES
from frontdesk.guards.language import LanguageDetector

SWEDISH = "Var är mitt paket? Jag har väntat i två veckor och ingen svarar på mina mejl."


def test_a_restricted_detector_leaves_the_open_one_open() -> None:
    served = LanguageDetector(CATALOGUE_LANGUAGES)
    assert served.check(SWEDISH).language in CATALOGUE_LANGUAGES
    assert LanguageDetector().check(SWEDISH).language == "sv"
    assert LanguageDetector(("sv", "en")).check(SWEDISH).language == "sv"
    assert served.check(SWEDISH).language in CATALOGUE_LANGUAGES
    assert LanguageDetector(tuple(reversed(CATALOGUE_LANGUAGES))).check(SWEDISH) == served.check(
        SWEDISH
    )
