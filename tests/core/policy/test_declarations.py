"""Plans as data: tiers, user types, roles and caps are declared by plugins, merged when
identical, and startup fails closed (one line naming the plugin) on what nobody declares."""

from __future__ import annotations

import types

import pytest

from lightninghire import StartupError, endpoint, hookimpl
from lightninghire.testing import assert_error, assert_ok


def plugin(name: str, **hooks):
    return types.SimpleNamespace(__name__=name, **{k: hookimpl(v) for k, v in hooks.items()})


def build(make_app, *names, **extra):
    return make_app(plugins=[*names, *extra], extra_plugins=extra)


def test_identical_declarations_merge_and_conflicting_ones_name_both_plugins(make_app):
    def same(policy):
        policy.add_tier("free", label="Free", user_type="jobseeker")

    def other(policy):
        policy.add_tier("free", label="Gratis", user_type="jobseeker")

    assert "free" in build(make_app, "plans", twin=plugin("twin", register_policy=same)
                           ).services.policy.plans.tiers
    with pytest.raises(StartupError, match=r"tier 'free'.*'plans'.*'rival'"):
        build(make_app, "plans", rival=plugin("rival", register_policy=other))


def test_a_cap_on_an_undeclared_tier_stops_startup(make_app):
    def caps(policy):
        policy.add_feature(key="widgets", label="Widgets", limits={"gold": 3},
                           upgrade_hint="Go gold.")

    with pytest.raises(StartupError, match="plugin 'typo': feature 'widgets' caps tier 'gold'"):
        build(make_app, "plans", typo=plugin("typo", register_policy=caps))


def test_caps_with_no_tier_declared_at_all_leave_new_accounts_uncapped_and_say_so(make_app, caplog):
    def caps(policy):
        policy.add_feature(key="widgets", label="Widgets", limits={"free": 3},
                           upgrade_hint="Upgrade.")

    harness = build(make_app, lonely=plugin("lonely", register_policy=caps))
    assert harness.services.policy.plans.tiers == {}
    newcomer, admin_set = harness.api_caller(), harness.api_caller(tier="free")
    assert harness.services.entitlements.limit(newcomer.user, "widgets") is None
    assert harness.services.entitlements.limit(admin_set.user, "widgets") == 3
    assert "plugin lonely caps feature widgets, but no enabled plugin declares tiers" in caplog.text


def test_caps_on_an_unknown_feature_stop_startup(make_app):
    def caps(policy):
        policy.add_caps("nothing_here", {"free": 1})

    with pytest.raises(StartupError, match="plugin 'pricer' sets caps on feature 'nothing_here'"):
        build(make_app, "plans", pricer=plugin("pricer", register_policy=caps))


def test_a_tier_or_user_type_naming_an_undeclared_tier_stops_startup(make_app):
    def tiers(policy):
        policy.add_tier("gold", caps_from="platinum")

    with pytest.raises(StartupError, match="plugin 'metal': tier 'gold' takes its caps from"):
        build(make_app, metal=plugin("metal", register_policy=tiers))

    def kinds(policy):
        policy.add_user_type("admirer", starting_tier="nowhere")

    with pytest.raises(StartupError, match="plugin 'kinds': user type 'admirer' names tier"):
        build(make_app, kinds=plugin("kinds", register_policy=kinds))


def test_a_policy_line_for_an_undeclared_role_stops_startup(make_app):
    def lines(policy):
        policy.add_lines(["p, wizard, spells, cast"])

    with pytest.raises(StartupError, match=r"plugin 'magic'.*role 'wizard'"):
        build(make_app, magic=plugin("magic", register_policy=lines))

    def declared(policy):
        policy.add_role("wizard")
        policy.add_lines(["p, wizard, spells, cast"])

    caller = build(make_app, magic=plugin("magic", register_policy=declared)).api_caller(
        roles=["wizard"])
    assert_ok(caller.get("/api/me"))  # a declared role is a member


class Spells:
    @endpoint(permission="spells:cast")
    def on_post(self, req, resp):
        return {"cast": True}


def test_a_route_permission_no_policy_line_mentions_stops_startup(make_app):
    def routes(routes):
        routes.add("/api/spells", Spells())

    with pytest.raises(StartupError, match=r"POST /api/spells \(plugin 'magic'\) needs "
                                           r"permission spells:cast"):
        build(make_app, magic=plugin("magic", register_routes=routes))

    def lines(policy):
        policy.add_role("wizard")
        policy.add_lines(["p, wizard, spells, cast"])

    h = build(make_app, magic=plugin("magic", register_routes=routes, register_policy=lines))
    assert_ok(h.api_caller(roles=["wizard"]).post("/api/spells", json={}))
    assert_error(h.api_caller().post("/api/spells", json={}), 403, "FORBIDDEN")


def test_declared_tiers_drive_columns_fallbacks_and_bypasses(make_app):
    def plans(policy):
        policy.add_tier("basic", user_type="member_kind")
        policy.add_tier("plus", unlimited=True, user_type="member_kind", flags=("isPlus",))
        policy.add_tier("team", caps_from="basic", user_type="team_kind")
        policy.add_tier("team_plus", unlimited=True, caps_from="plus", user_type="team_kind")
        policy.add_user_type("member_kind", starting_tier="basic", upgraded_tier="plus",
                             default=True)
        policy.add_user_type("team_kind", starting_tier="team", upgraded_tier="team_plus")
        policy.add_cap_bypass("provider_keys", flags=("ownKey",))
        policy.add_feature(key="boards", label="Boards", window="total",
                           limits={"basic": 1, "plus": 0}, upgrade_hint="Get plus.")
        policy.add_feature(key="notes", label="Notes", window="total",
                           limits={"basic": 2, "team": 5}, upgrade_hint="Get plus.")

    h = build(make_app, shop=plugin("shop", register_policy=plans))
    engine = h.services.entitlements
    basic = h.create_user()
    assert basic["userType"] == "member_kind" and basic["tier"] == "basic"
    team = h.create_user(user_type="team_kind")
    assert team["tier"] == "team"
    plus = h.create_user(tier="plus")
    keyed = {**basic, "providerKeys": {"openai": {"last4": "abcd"}}}
    assert engine.limit(basic, "notes") == 2 and engine.limit(team, "notes") == 5
    assert engine.limit(team, "boards") == 1  # no team line: the caps_from column's
    assert engine.limit(plus, "notes") is None  # unlimited column without a line
    assert engine.limit(plus, "boards") == 0  # a hard gate in the unlimited column holds
    assert engine.limit(keyed, "notes") is None and engine.is_paid(keyed)
    payload = engine.payload(keyed)
    assert payload["ownKey"] is True and payload["isPlus"] is False
    assert engine.payload(plus)["isPlus"] is True
    assert payload["role"] == "plus"  # no plan names declared: the column that applies


def test_a_policy_file_cap_on_an_undeclared_tier_stops_startup(make_app, tmp_path):
    policy = tmp_path / "policy.csv"
    policy.write_text("p2, fre, ai_actions, 50\n")  # a typo of "free"
    with pytest.raises(StartupError, match="p2 line for tier 'fre'"):
        make_app(plugins=["plans"], settings={"policy.file": str(policy)})
    policy.write_text("p2, free, ai_actions, 50\n")
    h = make_app(plugins=["plans"], settings={"policy.file": str(policy)})
    assert h.services.entitlements.limit(h.create_user(), "ai_actions") == 50
