"""With CSRF on (as in production), every directory form carries a token and POSTs need it."""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from tests.conftest import login
from tests.fixtures.factories import create_user, create_vendor


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def post_forms_without_token(html: str) -> list[str]:
    forms = re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', html, re.S)
    assert forms, "expected POST forms on the page"
    return [form[:120] for form in forms if 'name="csrf_token"' not in form]


def test_every_directory_post_form_has_a_csrf_token(sqlite_app):
    app = sqlite_app
    with app.app_context():
        vendor = create_vendor(
            name="Acme",
            slug="acme",
            status="draft",
            certifications=("soc-2",),
            logo_path="0" * 32 + ".png",
        )
        other = create_vendor(name="Other", slug="other")
        buyer = create_user("buyer")
        db.session.commit()
        owner_token, buyer_token = vendor.owner.session_token, buyer.session_token
        service_id, other_id = vendor.services[0].id, other.id

    class Token:
        def __init__(self, value: str) -> None:
            self.session_token = value

    owner = app.test_client()
    login(owner, Token(owner_token))
    for url in ("/vendor/profile", f"/vendor/services/{service_id}", "/vendor/services/new"):
        assert post_forms_without_token(owner.get(url).get_data(as_text=True)) == [], url

    visitor = app.test_client()
    login(visitor, Token(buyer_token))
    for url in ("/vendors/payroll", "/v/other"):
        assert post_forms_without_token(visitor.get(url).get_data(as_text=True)) == [], url
    assert visitor.post(f"/shortlist/{other_id}").status_code == 400  # no token: refused
    assert owner.post("/vendor/profile", data={"name": "No token"}).status_code == 400
