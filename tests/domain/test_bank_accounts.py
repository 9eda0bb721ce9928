import pytest

from creditdesk.domain.bank_accounts import check_bic, check_iban, iban_length, is_valid_bic, is_valid_iban
from creditdesk.domain.errors import ValidationError


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606",
        "BE68 5390 0754 7034",
        "NO93 8601 1117 947",
    ],
)
def test_real_shaped_ibans_of_several_countries_pass(iban: str) -> None:
    assert check_iban(iban) == "".join(iban.split())
    assert is_valid_iban(iban)


def test_each_country_has_its_own_length() -> None:
    assert (iban_length("DE"), iban_length("GB"), iban_length("NO"), iban_length("MT")) == (22, 22, 15, 31)
    assert iban_length("XX") is None


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        (
            "DE41370400440532013",
            "IBAN DE41 3704 0044 0532 013 has 19 characters, but an IBAN from Germany has 22; "
            "copy it again from a bank statement",
        ),
        (
            "XX46370400440532013000",
            "IBAN 'XX46370400440532013000' starts with XX, which is not the code of a country that "
            "uses IBANs; it starts with the bank's country, such as DE or GB",
        ),
        (
            "DE88370400440532013000",
            "IBAN DE88 3704 0044 0532 0130 00 fails its check digits; copy it again from a bank statement",
        ),
        (
            "GB12 1234 5698 7654 32WE ST",  # letters where Britain puts digits, digits where it puts letters
            "IBAN GB12 1234 5698 7654 32WE ST does not have the letters and digits of an IBAN from "
            "United Kingdom in their places; copy it again from a bank statement",
        ),
    ],
)
def test_a_wrong_iban_says_what_is_expected(iban: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_iban(iban)
    assert caught.value.message == message
    assert not is_valid_iban(iban)


def test_bics_need_a_real_country() -> None:
    assert check_bic("cobadeffxxx") == "COBADEFFXXX"
    assert check_bic(" ") == ""
    with pytest.raises(ValidationError, match=r"^BIC DEUTXXFF names no country"):
        check_bic("DEUTXXFF")
    assert not is_valid_bic("DEUTXXFF")
    assert not is_valid_bic("")
