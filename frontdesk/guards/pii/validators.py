"""Checksums and plausibility rules that turn a digit pattern into a real identifier."""

from __future__ import annotations

# IBAN lengths per country (ISO 13616 registry, common SEPA and non-SEPA countries).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
    "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def luhn_valid(number: str) -> bool:
    """Luhn (mod 10) checksum over the digits of ``number``."""
    digits = [int(c) for c in digits_of(number)]
    if len(digits) < 2:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def plausible_card(number: str) -> bool:
    """Luhn-valid, a known length for its issuer range, and not a trivial run."""
    digits = digits_of(number)
    if len(set(digits)) < 2 or not luhn_valid(digits):
        return False
    if len(digits) == 15 and digits[:4] in {"1800", "2131"}:  # JCB's old 15-digit ranges
        return True
    if 13 <= len(digits) <= 19:
        return digits[0] in "23456"  # Mastercard 2-series, Amex/Diners/JCB, Visa, MC, Disc.
    # 12-digit cards exist only in Maestro ranges.
    return len(digits) == 12 and digits[:4] in {"5018", "5020", "5038", "6304", "6759", "6761"}


def iban_valid(candidate: str) -> bool:
    """ISO 13616 mod-97 check, with the country's length when the country is known."""
    iban = "".join(candidate.split()).upper()
    if len(iban) < 15 or len(iban) > 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    if not iban.isalnum() or not iban.isascii():
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    """US SSN structure: area not 000/666/9xx, group not 00, serial not 0000."""
    if area in {"000", "666"} or area.startswith("9"):
        return False
    return group != "00" and serial != "0000"


def ipv4_valid(candidate: str) -> bool:
    parts = candidate.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) <= 255 and len(p) <= 3 for p in parts)
