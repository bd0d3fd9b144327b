import pytest

from odoo.addons.integration_core.lib import gs1


@pytest.mark.parametrize(
    "code",
    ["106141411234567897", "0614141000012", "5012345678900", "00012345678905", "036000291452", "96385074"],
)
def test_published_keys_check(code):
    assert gs1.is_valid(code)
    assert gs1.check_digit(code[:-1]) == code[-1]


@pytest.mark.parametrize("code", ["", "1", "5012345678901", "50123456789O0", "５０１"])
def test_wrong_or_malformed_keys_do_not_check(code):
    assert not gs1.is_valid(code)


def test_a_body_of_letters_is_an_error():
    with pytest.raises(ValueError, match="digits only"):
        gs1.check_digit("12A")
