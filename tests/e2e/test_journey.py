"""One user's whole journey across every plugin, over real HTTP under gunicorn, as a browser
makes it: a session cookie and the CSRF token, never a shortcut into the database until the end,
where the deletion is checked against what the export listed."""

from __future__ import annotations

import json

from bson import ObjectId
from pymongo import MongoClient

from lightninghire.testing import TEST_PASSWORD


class Browser:
    """Cookie plus ``X-CSRF-Token``, as the first-party web app sends them."""

    def __init__(self, served) -> None:
        self.served = served
        self.cookie = ""
        self.csrf = ""

    def call(self, method: str, path: str, body: object = None, expect: int = 200) -> object:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        status, answer_headers, raw = self.served.request(
            method, path, body=None if body is None else json.dumps(body).encode(),
            headers=headers)
        answer = json.loads(raw)
        assert status == expect, (method, path, status, answer)
        assert answer["ok"] is (status < 400), answer
        if "set-cookie" in answer_headers and answer_headers["set-cookie"].startswith("lh_session="):
            self.cookie = answer_headers["set-cookie"].split(";")[0]
        return answer.get("data")


def test_a_seekers_journey_from_sign_up_to_account_deletion(full_served):
    me = Browser(full_served)
    email = "journey@example.com"
    signed_up = me.call("POST", "/api/auth/signup",
                   {"email": email, "password": TEST_PASSWORD, "name": "Jo Urney"}, expect=201)
    assert me.cookie, "sign-up sets the session cookie"
    assert signed_up["user"]["email"] == email
    me.csrf = me.call("GET", "/api/auth/session")["csrfToken"]

    profile = me.call("PATCH", "/api/me", {"profile": {
        "currentRole": "Backend Engineer", "targetRoles": ["Staff Engineer"],
        "dreamCompanies": ["Stripe"], "onboardingStep": 1}})
    assert profile["profile"]["targetRoles"] == ["Staff Engineer"]

    contact = me.call("POST", "/api/contacts",
                      {"name": "Dana Recruiter", "email": "dana@stripe.example",
                       "company": "Stripe"}, expect=201)
    application = me.call("POST", "/api/applications",
                          {"company": "Stripe", "role": "Staff Engineer"}, expect=201)
    mock = me.call("POST", "/api/mock-interview",
                   {"company": "Stripe", "role": "Staff Engineer", "interviewType": "behavioral",
                    "focusAreas": ["leadership"], "applicationId": application["id"]}, expect=201)
    question = mock["questions"][0]
    me.call("POST", f"/api/mock-interview/{mock['id']}/answers",
            {"questionId": question["id"],
             "answer": "I led the migration of our payments ledger: I set the plan, paired with "
                       "the two teams involved, and we cut failed payouts by 40% in a quarter."},
            expect=201)
    story = me.call("POST", "/api/stories",
                    {"title": "Payments ledger migration", "situation": "Legacy ledger",
                     "task": "Migrate it", "action": "Led two teams", "result": "-40% failures"},
                    expect=201)
    chat = me.call("POST", "/api/chat", {"message": "Where am I with Stripe?"})
    assert chat["message"]

    billing = me.call("GET", "/api/billing")
    assert billing["selfHosted"] is True  # no Stripe key: the self-hosted deployment
    entitlements = me.call("GET", "/api/entitlements")
    assert entitlements["tier"] == "free"
    assert entitlements["features"]["mock_interviews"]["currentUsage"] == 1
    assert entitlements["features"]["ai_actions"]["currentUsage"] >= 1

    export = me.call("GET", "/api/account/export")
    assert export["user"]["email"] == email
    exported = {name: [doc["_id"] for doc in part["documents"]]
                for name, part in export["collections"].items() if part["documents"]}
    ids = {i for docs in exported.values() for i in docs}
    for made in (contact, application, mock, story):
        assert made["id"] in ids, made
    assert len(exported) >= 5, exported  # contacts, applications, mocks, stories, chat, usage...

    me.call("DELETE", "/api/account", {"password": TEST_PASSWORD})
    status, _, _ = full_served.request("GET", "/api/me", headers={"Cookie": me.cookie})
    assert status == 401
    client = MongoClient(full_served.database_uri, serverSelectionTimeoutMS=5000)
    try:
        db = client["lightninghire"]
        left = {name: db[name].count_documents(
                    {"_id": {"$in": [ObjectId(i) if ObjectId.is_valid(i) else i for i in docs]}})
                for name, docs in exported.items()}
        assert db["users"].count_documents({"email": email}) == 0
    finally:
        client.close()
    assert {name: n for name, n in left.items() if n} == {}
