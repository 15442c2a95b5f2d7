"""Who may open which page: every route must be listed here, so a new route without a rule fails.

ACCESS maps each endpoint to who may use it: "public" (anyone), "signed-in", or a role. Routes with
URL parameters are exercised with real objects in their feature's tests; this matrix checks the
parameterless GET routes for each kind of visitor and that no endpoint is left unclassified.
"""

from __future__ import annotations

import pytest

from marketplace.directory.services import create_draft_vendor
from marketplace.extensions import db
from tests.conftest import login
from tests.fixtures.factories import create_user

ACCESS: dict[str, str] = {
    "static": "public",
    "pages.home": "public",
    "health.healthz": "public",
    "health.readyz": "public",
    "accounts.register": "public",
    "accounts.login": "public",
    "accounts.logout": "public",
    "accounts.verify_email": "public",
    "accounts.forgot_password": "public",
    "accounts.reset_password": "public",
    "accounts.resend_verification": "signed-in",
    "accounts.account": "signed-in",
    "accounts.change_password": "signed-in",
    "accounts.logout_everywhere": "signed-in",
    "accounts.dashboard": "signed-in",
    "notify.notifications": "signed-in",
    "notify.mark_read": "signed-in",
    "search.search_page": "public",
    "search.suggest_endpoint": "public",
    "api.compare": "public",
    # API v1: reads also accept a signed-in session (GET only), so the role rules hold for the
    # session logins used here; every write needs a bearer token (tests/integration/test_api_*).
    "api.docs": "public",
    "api.openapi_document": "public",
    "api.list_vendors": "public",
    "api.get_vendor": "public",
    "api.list_categories": "public",
    "api.list_certifications": "public",
    "api.list_requests": "buyer",
    "api.create_request": "buyer",
    "api.get_request": "buyer",
    "api.publish_request": "buyer",
    "api.invite_vendors": "buyer",
    "api.list_quotes": "buyer",
    "api.get_comparison": "buyer",
    "api.award": "buyer",
    "api.list_invitations": "vendor",
    "api.submit_quote": "vendor",
    "api.decline_invitation": "vendor",
    "api.withdraw_quote": "vendor",
    "api.get_profile": "vendor",
    "api.update_own_profile": "vendor",
    "api.list_messages": "signed-in",
    "api.create_message": "signed-in",
    "api_tokens.tokens": "signed-in",
    "api_tokens.revoke": "signed-in",
    "compare.request_compare": "buyer+admin",
    "compare.save_request_weights": "buyer",
    "compare.request_compare_csv": "buyer+admin",
    "compare.request_compare_print": "buyer+admin",
    "directory.browse": "public",
    "directory.category": "public",
    "directory.country": "public",
    "directory.profile": "public",
    "directory.shortlist": "public",
    "directory.shortlist_add": "public",
    "directory.shortlist_remove": "public",
    "directory.logo": "public",
    "directory.edit_profile": "vendor",
    "directory.edit_certifications": "vendor",
    "directory.upload_logo": "vendor",
    "directory.remove_logo": "vendor",
    "directory.submit_for_review": "vendor",
    "directory.add_service": "vendor",
    "directory.edit_service": "vendor",
    "directory.remove_service": "vendor",
    "quotes.my_requests": "buyer",
    "quotes.new_request": "buyer",
    "quotes.leads": "vendor",
    "quotes.request_detail": "signed-in",
    "quotes.thread": "signed-in",
    "quotes.edit_request": "buyer",
    "quotes.publish": "buyer",
    "quotes.close": "buyer",
    "quotes.cancel": "buyer",
    "quotes.extend_deadline": "buyer",
    "quotes.match": "buyer",
    "quotes.invite": "buyer",
    "quotes.award": "buyer",
    "quotes.lead_detail": "vendor",
    "quotes.submit_quote": "vendor",
    "quotes.decline": "vendor",
    "quotes.withdraw": "vendor",
    "reviews.write_review": "buyer",
    "reviews.vendor_reviews": "vendor",
    "reviews.reply": "vendor",
    "reviews.report_vendor": "signed-in",
    "reviews.report_review": "signed-in",
    "admin.queue": "admin",
    "admin.vendors": "admin",
    "admin.vendor": "admin",
    "admin.approve_vendor": "admin",
    "admin.reject_vendor": "admin",
    "admin.request_changes": "admin",
    "admin.suspend_vendor": "admin",
    "admin.reinstate_vendor": "admin",
    "admin.set_vendor_verified": "admin",
    "admin.verify_certification": "admin",
    "admin.revoke_certification": "admin",
    "admin.publish_review": "admin",
    "admin.reject_review": "admin",
    "admin.hide_review": "admin",
    "admin.resolve_flag": "admin",
    "admin.audit_log": "admin",
    "admin.audit_export": "admin",
    "billing.pricing": "public",
    "billing.plans": "vendor",
    "billing.upgrade": "vendor",
    "billing.portal": "vendor",
    "billing.webhook": "public",
}

ROLES = ("anonymous", "buyer", "vendor", "admin")


def _allowed(rule: str, role: str) -> bool:
    if rule == "public":
        return True
    if rule == "signed-in":
        return role != "anonymous"
    return role == rule or (role == "admin" and rule.endswith("+admin"))


def test_every_endpoint_has_an_access_rule(sqlite_app):
    missing = sorted(
        rule.endpoint for rule in sqlite_app.url_map.iter_rules() if rule.endpoint not in ACCESS
    )
    assert missing == [], f"add these endpoints to ACCESS with their rule: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_parameterless_pages_answer_by_role(app, role):
    client = app.test_client()
    with app.app_context():
        if role != "anonymous":
            user = create_user(role)
            if role == "vendor":
                create_draft_vendor(user, "Matrix Vendor")
            db.session.commit()
            login(client, user)
    for url_rule in app.url_map.iter_rules():
        if url_rule.arguments or "GET" not in (url_rule.methods or ()):
            continue
        rule = ACCESS.get(url_rule.endpoint, "admin")
        response = client.get(url_rule.rule)
        if _allowed(rule, role):
            assert response.status_code in (200, 302), (url_rule.rule, role, response.status_code)
            if response.status_code == 302:
                assert "/login" not in response.location, (url_rule.rule, role)
        elif role == "anonymous":
            assert response.status_code in (302, 401, 404), (url_rule.rule, role)
            if response.status_code == 302:
                assert "/login" in response.location
        else:
            assert response.status_code in (403, 404), (url_rule.rule, role, response.status_code)
