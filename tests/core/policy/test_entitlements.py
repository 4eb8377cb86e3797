"""Feature caps per tier and window, counted atomically, refunded on failure."""

from __future__ import annotations

import re
import threading
import types
from datetime import UTC, datetime

import pytest

from lightninghire import hookimpl
from lightninghire.testing import assert_error, assert_ok


def use(caller, feature):
    return caller.post(f"/api/metered/{feature}")


def test_free_users_get_402_with_hint_and_details_past_the_cap(metered):
    h = metered()
    caller = h.api_caller()
    for _ in range(3):
        assert_ok(use(caller, "mock_interviews"))
    error = assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "mock_interviews" and error["limit"] == 3 and error["used"] == 3
    assert error["upgradeHint"] and error["resetsAt"].endswith("Z")
    # The label as declared, the count and the window in words.
    assert re.fullmatch(r"[A-Z][\w ]+: you have used 3 of 3 in the last 7 days\.",
                        error["message"]), error["message"]


# The API's one time format (core/http/jsonio.json_default): milliseconds and Z.
API_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_resets_at_speaks_the_api_time_format_not_microseconds(metered, clock):
    """Issue 21, point 6: a week window's reset (a use's time + 7 days) carried microseconds
    (``...33.895000Z``) unlike every other timestamp."""
    clock.set(datetime(2031, 3, 4, 9, 15, 33, 895123, tzinfo=UTC))
    caller = metered().api_caller()
    for _ in range(3):
        assert_ok(use(caller, "mock_interviews"))
    error = assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")
    assert API_TIME.match(error["resetsAt"]), error["resetsAt"]
    assert error["resetsAt"] == "2031-03-11T09:15:33.895Z"
    answer = assert_ok(caller.get("/api/entitlements"))
    assert answer["features"]["mock_interviews"]["remaining"] == 0


def test_self_hosted_hints_point_to_a_provider_key_and_stripe_hints_to_upgrading(metered):
    @hookimpl
    def register_policy(policy):
        policy.sells_plans()  # what billing declares once Stripe is configured

    seller = types.SimpleNamespace(__name__="seller", register_policy=register_policy)
    hosted = metered(seller=seller).api_caller()
    own = metered().api_caller()
    for caller in (hosted, own):
        for _ in range(3):
            use(caller, "mock_interviews")
    assert "Upgrade to Pro" in assert_error(use(hosted, "mock_interviews"), 402,
                                            "PAYMENT_REQUIRED")["upgradeHint"]
    assert "OpenAI or Anthropic key" in assert_error(use(own, "mock_interviews"), 402,
                                                     "PAYMENT_REQUIRED")["upgradeHint"]


def test_the_week_window_rolls(metered, clock):
    h = metered()
    caller = h.api_caller()
    for _ in range(3):  # on days 0, 2 and 4
        assert_ok(use(caller, "mock_interviews"))
        clock.advance(days=2)
    assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")  # day 6: 3 in 7 days
    clock.advance(days=1, seconds=1)  # day 7: the first use is now older than 7 days
    assert_ok(use(caller, "mock_interviews"))
    assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")


def test_the_day_window_resets_at_utc_midnight(metered, clock):
    clock.set(datetime(2031, 3, 4, 23, 50, tzinfo=UTC))
    h = metered()
    caller = h.api_caller()
    for _ in range(10):
        assert_ok(use(caller, "job_searches"))
    error = assert_error(use(caller, "job_searches"), 402, "PAYMENT_REQUIRED")
    assert error["resetsAt"] == "2031-03-05T00:00:00.000Z"
    clock.advance(minutes=9)  # 23:59: still the same day
    assert_error(use(caller, "job_searches"), 402, "PAYMENT_REQUIRED")
    clock.advance(minutes=2)  # 00:01 UTC
    assert_ok(use(caller, "job_searches"))


def test_the_total_window_never_resets(metered, clock):
    h = metered()
    caller = h.api_caller()
    for _ in range(15):
        assert_ok(use(caller, "contacts"))
    clock.advance(days=400)
    assert_error(use(caller, "contacts"), 402, "PAYMENT_REQUIRED")


@pytest.mark.parametrize("tier", ["pro", "byok", "credits"])
def test_paid_tiers_bypass_numeric_caps(metered, tier):
    caller = metered().api_caller(tier=tier)
    for _ in range(5):
        assert_ok(use(caller, "mock_interviews"))
    assert_ok(use(caller, "tailor_to_job"))  # a free-tier hard gate is open to paid tiers


def test_a_saved_provider_key_bypasses_caps(metered):
    h = metered()
    caller = h.api_caller()
    assert_ok(caller.put("/api/settings/provider-keys/openai", json={"apiKey": "sk-own-123456"}))
    for _ in range(5):
        assert_ok(use(caller, "mock_interviews"))


def test_a_credit_balance_from_billing_bypasses_caps(metered):
    balances: dict[str, float] = {}

    @hookimpl
    def entitlement_facts(user, services):
        return {"creditBalance": balances.get(str(user["_id"]), 0)}

    h = metered(billing=types.SimpleNamespace(__name__="billing", entitlement_facts=entitlement_facts))
    caller = h.api_caller()
    for _ in range(3):
        assert_ok(use(caller, "mock_interviews"))
    assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")
    balances[str(caller.user["_id"])] = 120
    # The contract of a facts provider: it invalidates the user after a change (cached facts).
    h.services.invalidation.invalidate(caller.user["_id"])
    assert_ok(use(caller, "mock_interviews"))
    payload = assert_ok(caller.get("/api/entitlements"))
    assert payload["hasCredits"] is True and payload["creditBalance"] == 120


def test_super_admins_are_unlimited(metered):
    caller = metered().api_caller(roles=["jobseeker", "super_admin"])
    for _ in range(25):
        assert_ok(use(caller, "applications"))
    assert_ok(use(caller, "tailor_to_job"))


def test_hard_gates_hold_for_free_users(metered):
    caller = metered().api_caller()
    error = assert_error(use(caller, "tailor_to_job"), 402, "PAYMENT_REQUIRED")
    assert error["limit"] == 0 and "not included" in error["message"]


@pytest.mark.parametrize("tier", ["recruiter_free", "recruiter_pro"])
def test_recruiter_overrides_close_seeker_only_features_even_on_pro(metered, tier):
    caller = metered().api_caller(user_type="recruiter", tier=tier)
    assert_error(use(caller, "applications"), 402, "PAYMENT_REQUIRED")


def test_recruiters_fall_back_to_the_seeker_caps_elsewhere(metered):
    free = metered().api_caller(user_type="recruiter")
    for _ in range(15):
        assert_ok(use(free, "contacts"))
    assert_error(use(free, "contacts"), 402, "PAYMENT_REQUIRED")


def test_ai_actions_share_a_daily_budget(metered, clock):
    clock.set(datetime(2031, 5, 1, 8, 0, tzinfo=UTC))
    h = metered(settings={})
    caller = h.api_caller()
    h.services.policy_engine.set_cap("free", "mock_interviews", 50)
    for _ in range(10):
        assert_ok(use(caller, "mock_interviews"))
    error = assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "ai_actions"
    # The refused request took nothing: the feature's own count stayed at 10.
    usage = assert_ok(caller.get("/api/usage"))
    assert usage["mock_interviews"]["current"] == 10 and usage["ai_actions"]["current"] == 10


def test_a_deployer_policy_file_changes_a_cap_without_code(metered, tmp_path):
    policy = tmp_path / "policy.csv"
    policy.write_text("p2, free, mock_interviews, 5\np2, free, tailor_to_job, 1\n")
    caller = metered(settings={"policy.file": str(policy)}).api_caller()
    for _ in range(5):
        assert_ok(use(caller, "mock_interviews"))
    assert_error(use(caller, "mock_interviews"), 402, "PAYMENT_REQUIRED")
    assert_ok(use(caller, "tailor_to_job"))


def test_a_failed_request_gives_the_unit_back_whatever_its_status(metered):
    h = metered()
    caller = h.api_caller()
    for _ in range(3):
        assert_error(caller.post("/api/metered-broken"), 502, "AI_UNAVAILABLE")
        assert_error(caller.post("/api/metered-crash"), 500, "INTERNAL")
    usage = assert_ok(caller.get("/api/usage"))
    assert usage["mock_interviews"]["current"] == 0 and usage["contacts"]["current"] == 0
    assert usage["ai_actions"]["current"] == 0
    for _ in range(3):
        assert_ok(use(caller, "mock_interviews"))
    assert_error(caller.post("/api/metered-refuse"), 409, "CONFLICT")  # refused after the check
    assert assert_ok(caller.get("/api/usage"))["contacts"]["current"] == 0


def test_a_refunded_lifetime_unit_can_be_used_again(metered):
    h = metered()
    caller = h.api_caller()
    h.services.policy_engine.set_cap("free", "contacts", 1)
    assert_error(caller.post("/api/metered-crash"), 500, "INTERNAL")
    assert_ok(use(caller, "contacts"))  # the one lifetime slot came back
    assert_error(use(caller, "contacts"), 402, "PAYMENT_REQUIRED")


def test_bad_input_spends_nothing(metered, make_app):
    h = metered()
    caller = h.api_caller()
    result = caller.post("/api/metered/contacts", json={"unexpected": 1})
    assert_error(result, 400, "BAD_REQUEST")
    assert assert_ok(caller.get("/api/usage"))["contacts"]["current"] == 0


def test_twenty_racing_requests_get_exactly_the_last_three_slots(metered):
    h = metered()
    caller = h.api_caller()
    h.services.policy_engine.set_cap("free", "contacts", 5)
    for _ in range(2):
        assert_ok(use(caller, "contacts"))
    start = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def racer():
        start.wait()
        status = use(caller, "contacts").status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=racer) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [200] * 3 + [402] * 17
    assert h.db["usage_slots"].count_documents({"feature": "contacts",
                                                "userId": str(caller.user["_id"])}) == 5


def test_entitlements_payload_has_the_documented_shape(metered):
    caller = metered().api_caller()
    use(caller, "mock_interviews")
    payload = assert_ok(caller.get("/api/entitlements"))
    for key in ("isPro", "isSuperAdmin", "isByok", "hasByokKeys", "hasCredits", "creditBalance",
                "isSelfHosted", "role", "userType", "subscriptionStatus", "currentPeriodEnd"):
        assert key in payload
    assert payload["role"] == "free" and payload["isSelfHosted"] is True
    mock = payload["features"]["mock_interviews"]
    assert mock == {"allowed": True, "currentUsage": 1, "limit": 3, "remaining": 2,
                    "window": "week", "label": "Mock interviews",
                    "upgradeHint": mock["upgradeHint"]}
    assert payload["features"]["tailor_to_job"]["allowed"] is False
    pro = metered().api_caller(tier="pro")
    pro_payload = assert_ok(pro.get("/api/entitlements"))
    assert pro_payload["isPro"] is True and pro_payload["role"] == "pro"
    assert pro_payload["features"]["mock_interviews"]["limit"] is None
    assert pro_payload["features"]["mock_interviews"]["remaining"] is None


def test_stats_show_daily_history(metered, clock):
    clock.set(datetime(2031, 6, 10, 12, 0, tzinfo=UTC))
    caller = metered().api_caller()
    use(caller, "contacts")
    clock.advance(days=1)
    use(caller, "contacts")
    use(caller, "contacts")
    stats = assert_ok(caller.get("/api/stats", params={"days": "3"}))
    assert stats["from"] == "2031-06-09" and stats["to"] == "2031-06-11"
    assert stats["features"]["contacts"] == [{"date": "2031-06-09", "count": 0},
                                             {"date": "2031-06-10", "count": 1},
                                             {"date": "2031-06-11", "count": 2}]
    assert_error(caller.get("/api/stats", params={"days": "0"}), 400, "VALIDATION")
