import datetime

import pytest
from django.utils import timezone

from hengyang_award.accounts.forms import RegistrationForm
from hengyang_award.core.models import County
from hengyang_award.core.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_registration_form_valid_data_is_valid(registration_data):
    form = RegistrationForm(registration_data())

    valid = form.is_valid()

    assert (valid, form.errors) == (True, {})


def test_registration_form_code_with_spaces_and_lower_case_is_normalised(registration_data):
    form = RegistrationForm(registration_data(credit_code=" 9151 2081 ma62k0260e "))

    form.is_valid()

    assert form.cleaned_data["credit_code"] == "91512081MA62K0260E"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9151208", "统一社会信用代码应为18位，当前为7位。"),
        ("91512081MA62K0260E1", "统一社会信用代码应为18位，当前为19位。"),
        ("91512081MA62K026OE", "统一社会信用代码含有不允许的字符：O（不使用 I、O、S、V、Z）。"),
        ("91512081MI62K0260E", "统一社会信用代码含有不允许的字符：I（不使用 I、O、S、V、Z）。"),
    ],
)
def test_registration_form_malformed_code_field_error(registration_data, code, message):
    form = RegistrationForm(registration_data(credit_code=code))

    valid = form.is_valid()

    assert (valid, form.errors) == (False, {"credit_code": [message]})


def test_registration_form_future_registration_date_field_error(registration_data):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = RegistrationForm(registration_data(registration_date=tomorrow.isoformat()))

    valid = form.is_valid()

    assert (valid, form.errors) == (False, {"registration_date": ["注册日期不能晚于今天。"]})


def test_registration_form_registration_date_today_is_valid(registration_data):
    form = RegistrationForm(registration_data(registration_date=timezone.localdate().isoformat()))

    valid = form.is_valid()

    assert (valid, form.errors) == (True, {})


def test_registration_form_password_mismatch_field_error(registration_data):
    form = RegistrationForm(registration_data(password2="another-horse-battery-9"))

    valid = form.is_valid()

    assert (valid, form.errors) == (False, {"password2": ["两次输入的密码不一致。"]})


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("short-pw-9", ["密码太短，至少需要12个字符。"]),
        ("846201937562", ["密码只包含数字。"]),
        ("password1234", ["这个密码太常见了。"]),
        ("zhangwei-2024", ["密码跟 用户名 太相似了。"]),
    ],
)
def test_registration_form_weak_password_field_error_in_chinese(
    registration_data, password, messages
):
    form = RegistrationForm(
        registration_data(username="zhangwei-2024", password1=password, password2=password)
    )

    valid = form.is_valid()

    assert (valid, form.errors) == (False, {"password1": messages})


def test_registration_form_username_taken_in_other_case_field_error(registration_data):
    make_user(Role.OFFICE_STAFF, username="ZhangWei")
    form = RegistrationForm(registration_data(username="zhangwei"))

    valid = form.is_valid()

    assert (valid, form.errors) == (False, {"username": ["该用户名已被使用，请换一个。"]})


def test_registration_form_inactive_county_not_offered(registration_data):
    county = County.objects.get(code="430408")
    county.active = False
    county.save(update_fields=["active"])
    form = RegistrationForm(registration_data(county=str(county.pk)))

    valid = form.is_valid()

    assert (valid, form.errors) == (
        False,
        {"county": ["选择一个有效的选项： 该选择不在可用的选项中。"]},
    )
    assert county not in form.fields["county"].queryset


def test_registration_form_missing_fields_each_field_error(registration_data):
    form = RegistrationForm({})

    form.is_valid()

    assert form.errors == {name: ["这个字段是必填项。"] for name in registration_data()}
