"""Login attempts are limited (django-axes): after the allowed number of wrong
passwords for an account from one address, even the right password is refused."""

import pytest
from django.conf import settings

from .conftest import make_user, roles

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def curator(db):
    user = make_user("carla", roles.CURATOR)
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client, password: str, address: str = "192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "carla", "password": password},
        REMOTE_ADDR=address,
    )


def test_the_right_password_logs_in(curator, client):
    response = login(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(curator, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "wrong").status_code == 200  # the form again, with an error
    locked = login(client, "wrong")
    refused = login(client, PASSWORD)

    for response in (locked, refused):
        assert response.status_code == 429
        assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by this one's failures.
    assert login(client, PASSWORD, address="192.0.2.99").status_code == 302


def test_the_message_says_how_long_the_block_lasts():
    assert f"{settings.LOGIN_COOLOFF_MINUTES} minutes" in settings.AXES_COOLOFF_MESSAGE
