"""`make deploy` refuses bad settings before anything is packaged or uploaded,
naming each one."""
from __future__ import annotations

import pytest

from devtools import deploy

GOOD = {"STAGE": "prod", "STACK": "hjelp", "DEPLOY_BUCKET": "ngo-artifacts",
        "AWS_REGION": "eu-north-1", "MAIL_FROM": "gaver@example.org",
        "OPERATOR_EMAIL": "drift@example.org"}


def problems(**changes):
    env = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    with pytest.raises(deploy.SettingsError) as error:
        deploy.read_settings(env)
    return error.value.problems


def test_complete_settings_become_the_stack_parameters():
    settings = deploy.read_settings({**GOOD, "RESERVED_CONCURRENCY": "20"})
    assert settings.parameters()["MailFrom"] == "gaver@example.org"
    assert settings.parameters()["ReservedConcurrency"] == "20"
    assert settings.parameters()["DomainName"] == ""


@pytest.mark.parametrize("name", ["STACK", "DEPLOY_BUCKET", "MAIL_FROM",
                                  "OPERATOR_EMAIL", "STAGE"])
def test_a_missing_setting_is_named(name):
    [problem] = problems(**{name: None})
    assert problem.startswith(name)


def test_a_missing_region_is_named():
    [problem] = problems(AWS_REGION=None)
    assert problem.startswith("AWS_REGION must be set")


@pytest.mark.parametrize("name,value", [
    ("STACK", "Hjelp_Prod"), ("STACK", "my-aws-stack"), ("DEPLOY_BUCKET", "Bad Bucket"),
    ("MAIL_FROM", "gaver"), ("OPERATOR_EMAIL", "drift@"), ("AWS_REGION", "norway"),
    ("LOG_RETENTION_DAYS", "10"), ("LOG_RETENTION_DAYS", "ninety"),
    ("API_THROTTLE_RATE", "0"), ("RESERVED_CONCURRENCY", "-1"), ("STAGE", "local"),
    ("VIPPS", "on"),
])
def test_a_malformed_setting_is_named_with_what_was_given(name, value):
    [problem] = problems(**{name: value})
    assert problem.startswith(name) and repr(value).strip("'") in problem


def test_vipps_is_off_unless_the_operator_chooses_test_or_production():
    assert deploy.read_settings(GOOD).parameters()["Vipps"] == "off"
    for mode in ("test", "production"):
        assert deploy.read_settings({**GOOD, "VIPPS": mode}).parameters()[
            "Vipps"] == mode


def test_a_custom_domain_needs_its_certificate_in_us_east_1():
    assert problems(DOMAIN_NAME="hjelp.example.org") == [
        "DOMAIN_NAME and CERTIFICATE_ARN must be given together"]
    [problem] = problems(DOMAIN_NAME="hjelp.example.org", CERTIFICATE_ARN=(
        "arn:aws:acm:eu-north-1:123456789012:certificate/abc-123"))
    assert problem.startswith("CERTIFICATE_ARN must be an ACM certificate ARN in us-east-1")
    settings = deploy.read_settings({**GOOD, "DOMAIN_NAME": "hjelp.example.org",
                                     "CERTIFICATE_ARN": "arn:aws:acm:us-east-1:"
                                     "123456789012:certificate/abc-123"})
    assert settings.parameters()["DomainName"] == "hjelp.example.org"


def test_every_problem_is_listed_at_once():
    listed = problems(STACK=None, MAIL_FROM="x", DEPLOY_BUCKET=None)
    assert [p.split()[0] for p in listed] == ["STACK", "DEPLOY_BUCKET", "MAIL_FROM"]


def test_bad_settings_stop_make_deploy_before_packaging(monkeypatch, capsys):
    import devtools.package

    def no_package(*args, **kwargs):
        raise AssertionError("packaged despite bad settings")

    monkeypatch.setattr(devtools.package, "package", no_package)
    assert deploy.main({**GOOD, "MAIL_FROM": ""}) == 2
    err = capsys.readouterr().err
    assert "nothing was uploaded" in err and "MAIL_FROM must be set" in err
