import pytest

from hengyang_award.core.credit_code import CreditCodeCheck, check, check_character


@pytest.mark.parametrize("code", ["91512081MA62K0260E", "91310110666007217T", "91310115591693856A"])
def test_check_domain_valid_example_passes_checksum(code):
    result = check(code)

    assert result == CreditCodeCheck(code=code, error=None, checksum_ok=True)
    assert result.usable is True


def test_check_character_domain_examples_match_their_last_character():
    codes = ["91512081MA62K0260E", "91310110666007217T", "91310115591693856A"]

    computed = [check_character(code[:17]) for code in codes]

    assert computed == ["E", "T", "A"]


@pytest.mark.parametrize(
    "code",
    [
        "91512081MA62K0260F",  # DOMAIN example with another (allowed) check character
        "91310110666007217U",
        "91350100M000100Y44",  # the standard's example body, wrong check character
    ],
)
def test_check_wrong_check_character_well_formed_but_checksum_fails(code):
    result = check(code)

    assert result == CreditCodeCheck(code=code, error=None, checksum_ok=False)
    assert result.usable is True


def test_check_standard_invalid_example_refused_for_its_letter_z():
    # 91350100M000100Y4Z is listed in DOMAIN.md as "well formed, checksum fails",
    # but Z is outside the code's own character set (DOMAIN.md: never I, O, S, V, Z),
    # so it cannot be well formed: the check reports the forbidden character.
    result = check("91350100M000100Y4Z")

    assert result.error == "统一社会信用代码含有不允许的字符：Z（不使用 I、O、S、V、Z）。"
    assert result.usable is False


@pytest.mark.parametrize(
    "raw",
    [
        "91512081ma62k0260e",
        "  91512081MA62K0260E\n",
        "9151 2081 MA62 K026 0E",
        "\t91512081Ma62k0260E ",
    ],
)
def test_check_lower_case_or_whitespace_input_normalised(raw):
    result = check(raw)

    assert result == CreditCodeCheck(code="91512081MA62K0260E", error=None, checksum_ok=True)


@pytest.mark.parametrize(
    ("raw", "length"),
    [("91512081MA62K0260", 17), ("91512081MA62K0260EE", 19), ("", 0), ("9151", 4)],
)
def test_check_wrong_length_error_names_length(raw, length):
    result = check(raw)

    assert result.error == f"统一社会信用代码应为18位，当前为{length}位。"
    assert result.usable is False


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_check_forbidden_letter_error_names_letter(letter):
    raw = "91512081M" + letter + "62K0260E"

    result = check(raw)

    assert result.error == (f"统一社会信用代码含有不允许的字符：{letter}（不使用 I、O、S、V、Z）。")
    assert result.usable is False


def test_check_several_forbidden_characters_all_named_once_sorted():
    raw = "9151208ZMA6OK0Z-0E"

    result = check(raw)

    assert result.error == "统一社会信用代码含有不允许的字符：-、O、Z（不使用 I、O、S、V、Z）。"


def test_check_lower_case_forbidden_letter_reported_upper_case():
    raw = "91512081mi62k0260e"

    result = check(raw)

    assert result.error == "统一社会信用代码含有不允许的字符：I（不使用 I、O、S、V、Z）。"
