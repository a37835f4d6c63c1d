"""Admins change roles and remove users on /staff/users; the user's sessions
end at their next request, not when the token expires."""
from __future__ import annotations

import os

import boto3
import pytest

from chalicelib.audit.models import AuditEntry
from chalicelib.audit.service import Actor
from chalicelib.auth.tokens import issue_local_token
from chalicelib.demo import load_demo_data
from chalicelib.users import service
from chalicelib.users.directory import CognitoDirectory
from tests.conftest import DEMO_PASSWORD, bearer, json_body
from tests.platform.test_auth import login_form, session_cookie


@pytest.fixture
def demo_users():
    load_demo_data(DEMO_PASSWORD)


def admin_posts(client, session_as, fields):
    """The admin's form, and the page its redirect shows (in English)."""
    admin = session_as("admin")
    headers, body = admin.form(fields)
    answer = client.post("/staff/users", headers=headers, body=body)
    return admin.follow(client, answer) if answer.status_code == 303 else answer


def test_a_demoted_coordinator_is_refused_at_the_next_request(
        client, session_as, demo_users):
    coordinator = session_as("coordinator")
    assert client.get("/staff/shelters", headers=coordinator.headers()).status_code == 200
    changed = admin_posts(client, session_as, {
        "action": "roles", "email": "coordinator@demo.local", "roles": ["volunteer"]})
    assert changed.status_code == 200
    assert ("The roles of coordinator@demo.local were changed; their sessions ended."
            in changed.body.decode())
    again = client.get("/staff/shelters", headers=coordinator.headers())
    assert again.status_code == 302 and again.headers["Location"].startswith("/auth/login")
    fresh = session_cookie(login_form(client, "coordinator@demo.local", DEMO_PASSWORD))
    as_volunteer = client.get("/staff/shelters", headers={"Cookie": fresh.split(";")[0]})
    assert as_volunteer.status_code == 403


def test_a_removed_user_is_refused_at_once_and_cannot_log_in_again(
        client, session_as, demo_users):
    headers = bearer("staff")
    assert client.get("/api/me", headers=headers).status_code == 200
    removed = admin_posts(client, session_as, {
        "action": "remove", "email": "staff@demo.local"})
    assert removed.status_code == 200
    assert client.get("/api/me", headers=headers).status_code == 401
    assert login_form(client, "staff@demo.local", DEMO_PASSWORD).status_code == 401
    assert 'value="staff@demo.local"' not in removed.body.decode()  # off the list


def test_other_users_keep_working_after_someone_is_demoted(client, session_as, demo_users):
    finance = bearer("finance")
    admin_posts(client, session_as, {
        "action": "roles", "email": "coordinator@demo.local", "roles": ["staff"]})
    assert client.get("/api/me", headers=finance).status_code == 200


def test_role_changes_and_removals_are_audit_events_by_user_id(
        client, session_as, demo_users):
    admin_posts(client, session_as, {
        "action": "roles", "email": "finance@demo.local", "roles": ["staff"]})
    admin_posts(client, session_as, {"action": "remove", "email": "volunteer@demo.local"})
    entries = {(e.action, e.record_type, e.record_id, e.actor) for e in AuditEntry.scan()}
    assert ("role_change", "user", "u-finance", "u-admin") in entries
    assert ("user_removed", "user", "u-volunteer", "u-admin") in entries
    assert not any("@" in str(e.record_id) for e in AuditEntry.scan())


def test_an_admin_cannot_change_their_own_roles(client, session_as, demo_users):
    response = admin_posts(client, session_as, {
        "action": "roles", "email": "admin@demo.local", "roles": ["volunteer"]})
    assert response.status_code == 409
    assert "egen konto" in response.body.decode()
    assert client.get("/api/me", headers=bearer("admin")).status_code == 200


def test_no_role_at_all_is_refused_with_the_field_named(client, session_as, demo_users):
    response = admin_posts(client, session_as, {
        "action": "roles", "email": "staff@demo.local", "roles": []})
    assert response.status_code == 400
    assert "minst én rolle" in response.body.decode()
    assert client.get("/api/me", headers=bearer("staff")).status_code == 200


@pytest.mark.parametrize("role", ["staff", "finance", "coordinator", "volunteer"])
def test_only_admins_open_the_users_page(client, session_as, role):
    assert client.get("/staff/users", headers=session_as(role).headers()).status_code \
        == 403


def test_the_users_page_lists_every_user_with_their_roles(client, session_as, demo_users):
    page = client.get("/staff/users?lang=en", headers=session_as("admin").headers())
    text = page.body.decode()
    for role in ("finance", "staff", "coordinator", "volunteer"):
        assert f"{role}@demo.local" in text
    assert "This is you" in text  # the admin's own row has no forms


# --- the prod directory: Cognito groups (moto's Cognito) ---------------------

def cognito():
    return boto3.client("cognito-idp", region_name="eu-north-1",
                        endpoint_url=os.environ["DYNAMODB_HOST"])


@pytest.fixture(scope="module")
def pool():
    client = cognito()
    pool_id = client.create_user_pool(PoolName="users-test",
                                      UsernameAttributes=["email"])["UserPool"]["Id"]
    for group in ("admin", "finance", "staff", "coordinator", "volunteer", "shelter"):
        client.create_group(UserPoolId=pool_id, GroupName=group)
    return pool_id


def cognito_user(pool, email, groups):
    client = cognito()
    created = client.admin_create_user(
        UserPoolId=pool, Username=email,
        UserAttributes=[{"Name": "email", "Value": email}])["User"]
    for group in groups:
        client.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)
    return {a["Name"]: a["Value"] for a in created["Attributes"]}["sub"]


def groups_of(pool, email):
    listed = cognito().admin_list_groups_for_user(UserPoolId=pool, Username=email)
    return sorted(g["GroupName"] for g in listed["Groups"])


def test_in_cognito_a_demotion_moves_groups_and_ends_the_token(client, pool):
    sub = cognito_user(pool, "vakt@example.org", ["coordinator", "staff"])
    token = issue_local_token(sub, "vakt@example.org", ["coordinator", "staff"])
    directory = CognitoDirectory(cognito(), pool)
    assert [a.email for a in service.accounts(directory)] == ["vakt@example.org"]
    service.change_roles(Actor("u-admin", ("admin",)), "vakt@example.org",
                         ["volunteer"], directory)
    assert groups_of(pool, "vakt@example.org") == ["volunteer"]
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert json_body(response)["error"]["code"] == "unauthenticated"


def test_in_cognito_a_removal_disables_the_user(pool):
    cognito_user(pool, "borte@example.org", ["finance"])
    directory = CognitoDirectory(cognito(), pool)
    service.remove_user(Actor("u-admin", ("admin",)), "borte@example.org", directory)
    user = cognito().admin_get_user(UserPoolId=pool, Username="borte@example.org")
    assert user["Enabled"] is False
    assert groups_of(pool, "borte@example.org") == []
