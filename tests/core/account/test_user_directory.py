"""``services.users``: the read-only account lookups plugins use instead of the collection."""

from __future__ import annotations


def test_lookups_by_id_email_and_many_never_show_the_password_hash(make_app):
    h = make_app(plugins=[])
    ada = h.create_user("Ada@Example.com", name="Ada")
    grace = h.create_user("grace@example.com", name="Grace")
    users = h.services.users
    found = users.get(str(ada["_id"]))
    assert found["email"] == "ada@example.com" and "passwordHash" not in found
    assert users.get(ada["_id"], ["name"]) == {"_id": ada["_id"], "name": "Ada"}
    assert users.get(ada["_id"], ["passwordHash"]) == {"_id": ada["_id"]}
    assert users.get("not-an-id") is None and users.get(None) is None
    assert users.by_email(" ADA@example.com ", ["_id"]) == {"_id": ada["_id"]}
    assert users.by_email("nobody@example.com") is None
    many = users.many([str(ada["_id"]), grace["_id"], "junk"], ["email"])
    assert many == {str(ada["_id"]): {"_id": ada["_id"], "email": "ada@example.com"},
                    str(grace["_id"]): {"_id": grace["_id"], "email": "grace@example.com"}}
    assert users.many([]) == {}


def test_find_filters_sorts_and_limits(make_app):
    h = make_app(plugins=[])
    made = [h.create_user(f"u{i}@example.com", name=f"U{i}") for i in range(3)]
    users = h.services.users
    names = [u["name"] for u in users.find({"name": {"$in": ["U0", "U2"]}}, fields=["name"])]
    assert names == ["U0", "U2"]
    after_first = list(users.find({"_id": {"$gt": made[0]["_id"]}}, fields=["email"], limit=1))
    assert after_first == [{"_id": made[1]["_id"], "email": "u1@example.com"}]
    assert all("passwordHash" not in u for u in users.find())
