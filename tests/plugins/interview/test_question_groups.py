"""User-made question groups over HTTP: create, order, share by link read-only, practise."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok

GROUPS = "/api/question-groups"
CUSTOM = {"text": "Why do you want to join a company of our size?", "category": "culture_fit"}


def _bank(caller, n=3, **params):
    return assert_ok(caller.get("/api/questions", params={"limit": str(n), "source": "bank",
                                                          **params}))["items"]


def _create(caller, **changes):
    bank = _bank(caller)
    body = {"name": "Onsite round", "description": "Loop at Acme",
            "questions": [{"questionId": q["id"]} for q in bank] + [CUSTOM], **changes}
    return assert_ok(caller.post(GROUPS, json=body), 201)


def test_create_read_list_and_the_curated_groups_stay(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    bank = _bank(caller)
    group = _create(caller)
    assert group["kind"] == "own" and group["name"] == "Onsite round"
    assert group["questionCount"] == 4 and not group["shared"]
    assert [q["id"] for q in group["questions"][:3]] == [q["id"] for q in bank]
    assert [q["position"] for q in group["questions"]] == [1, 2, 3, 4]
    custom = group["questions"][3]
    assert custom["text"] == CUSTOM["text"] and custom["category"] == "culture_fit"
    # The custom text joined the caller's own bank, and is usable by id in another group.
    mine = assert_ok(caller.get("/api/questions", params={"source": "mine"}))["items"]
    assert [q["id"] for q in mine] == [custom["id"]] and mine[0]["source"] == "group"
    again = assert_ok(caller.post(GROUPS, json={"name": "Again",
                                                "questions": [{"questionId": custom["id"]}]}),
                      201)
    assert again["questions"][0]["text"] == CUSTOM["text"]
    assert assert_ok(caller.get(f"{GROUPS}/{group['id']}")) == group
    listed = assert_ok(caller.get(f"{GROUPS}/mine"))
    assert [g["id"] for g in listed["items"]] == [again["id"], group["id"]]
    assert listed["nextCursor"] is None
    page = assert_ok(caller.get(f"{GROUPS}/mine", params={"limit": "1"}))
    assert [g["id"] for g in page["items"]] == [again["id"]] and page["nextCursor"]
    curated = assert_ok(caller.get(GROUPS))["items"]
    assert "software-engineer" in {g["slug"] for g in curated}
    assert assert_ok(caller.get(f"{GROUPS}/software-engineer"))["kind"] == "curated"


def test_bodies_are_validated_and_bounded(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    first = _bank(caller, 1)[0]
    bad = [
        {"name": "x", "questions": []},
        {"name": "", "questions": [{"questionId": first["id"]}]},
        {"name": "x" * 81, "questions": [{"questionId": first["id"]}]},
        {"name": "x", "questions": [{"questionId": first["id"]}], "owner": "me"},
        {"name": "x", "questions": [{"text": "Only a text, no category"}]},
        {"name": "x", "questions": [{"questionId": first["id"], **CUSTOM}]},
        {"name": "x", "questions": [{"questionId": first["id"]}] * 2},
        {"name": "x", "questions": [CUSTOM] * 31},
    ]
    for body in bad:
        assert_error(caller.post(GROUPS, json=body), 400, "VALIDATION")
    assert_error(caller.post(GROUPS, json={"name": "x", "questions": [{"questionId": "0" * 24}]}),
                 404, "NOT_FOUND")
    # Refused before anything is written: the custom text beside the bad id is not stored.
    assert_error(caller.post(GROUPS, json={"name": "x", "questions": [
        CUSTOM, {"questionId": "0" * 24}]}), 404, "NOT_FOUND")
    assert assert_ok(caller.get("/api/questions", params={"source": "mine"}))["items"] == []
    assert assert_ok(caller.get(f"{GROUPS}/mine"))["items"] == []


def test_rename_and_reorder_with_an_explicit_order(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    group = _create(caller)
    ids = [q["id"] for q in group["questions"]]
    path = f"{GROUPS}/{group['id']}"
    renamed = assert_ok(caller.patch(path, json={"name": "Final round", "description": ""}))
    assert renamed["name"] == "Final round" and renamed["description"] == ""
    reordered = assert_ok(caller.patch(path, json={"order": ids[::-1]}))
    assert [q["id"] for q in reordered["questions"]] == ids[::-1]
    assert [q["id"] for q in assert_ok(caller.get(path))["questions"]] == ids[::-1]
    for order in (ids[:2], [*ids, ids[0]], [*ids[:3], "0" * 24], ids[:3] + ids[:1]):
        assert_error(caller.patch(path, json={"order": order}), 400, "VALIDATION")
    assert_error(caller.patch(path, json={"order": ids, "questions": [CUSTOM]}), 400,
                 "VALIDATION")
    assert_error(caller.patch(path, json={}), 400, "VALIDATION")
    replaced = assert_ok(caller.patch(path, json={"questions": [{"questionId": ids[2]}]}))
    assert [q["id"] for q in replaced["questions"]] == [ids[2]]
    # Curated groups are read-only.
    assert_error(caller.patch(f"{GROUPS}/software-engineer", json={"name": "Mine"}), 404,
                 "NOT_FOUND")
    assert_error(caller.delete(f"{GROUPS}/software-engineer"), 404, "NOT_FOUND")


def test_other_users_groups_are_404(make_app):
    harness = make_app(plugins=["plans", "interview"])
    owner, other = harness.api_caller(), harness.api_caller()
    group = _create(owner)
    path = f"{GROUPS}/{group['id']}"
    assert_error(other.get(path), 404, "NOT_FOUND")
    assert_error(other.patch(path, json={"name": "Stolen"}), 404, "NOT_FOUND")
    assert_error(other.delete(path), 404, "NOT_FOUND")
    assert_error(other.post(f"{path}/share"), 404, "NOT_FOUND")
    assert_error(other.delete(f"{path}/share"), 404, "NOT_FOUND")
    assert_error(other.post(f"{path}/practice", json={}), 404, "NOT_FOUND")
    assert assert_ok(other.get(f"{GROUPS}/mine"))["items"] == []
    # The owner's own question is not usable by id in another user's group.
    custom_id = group["questions"][3]["id"]
    assert_error(other.post(GROUPS, json={"name": "x", "questions": [{"questionId": custom_id}]}),
                 404, "NOT_FOUND")
    assert assert_ok(owner.get(path))["name"] == "Onsite round"
    assert assert_ok(owner.delete(path)) == {"deleted": True}
    assert_error(owner.get(path), 404, "NOT_FOUND")


def test_share_by_link_is_public_read_only_and_revocable(make_app):
    harness = make_app(plugins=["plans", "interview"])
    owner = harness.api_caller()
    group = _create(owner)
    path = f"{GROUPS}/{group['id']}"
    link = assert_ok(owner.post(f"{path}/share"), 201)
    assert len(link["token"]) >= 32 and link["url"].endswith(f"/shared/{link['token']}")
    assert assert_ok(owner.get(path))["shared"] is True
    # The token is stored hashed: it appears nowhere in the database.
    stored = harness.db["interview_question_group_shares"].find_one({"groupId": group["id"]})
    assert link["token"] not in str(stored)
    public = assert_ok(harness.client.simulate_get(f"{GROUPS}/shared/{link['token']}"))
    assert public["name"] == "Onsite round" and public["questionCount"] == 4
    assert [q["text"] for q in public["questions"]] == [q["text"] for q in group["questions"]]
    assert "id" not in public["questions"][0] and "userId" not in public
    # Read-only: no write method on the shared path.
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        result = harness.client.simulate_request(method, f"{GROUPS}/shared/{link['token']}")
        assert result.status_code == 405
    # A new link replaces the old one; revoking ends it.
    second = assert_ok(owner.post(f"{path}/share"), 201)
    assert_error(harness.client.simulate_get(f"{GROUPS}/shared/{link['token']}"), 404,
                 "NOT_FOUND")
    assert_ok(harness.client.simulate_get(f"{GROUPS}/shared/{second['token']}"))
    assert assert_ok(owner.delete(f"{path}/share")) == {"shared": False}
    assert_error(harness.client.simulate_get(f"{GROUPS}/shared/{second['token']}"), 404,
                 "NOT_FOUND")
    assert_error(harness.client.simulate_get(f"{GROUPS}/shared/not-a-token"), 404, "NOT_FOUND")
    # Deleting the group ends a live link too.
    third = assert_ok(owner.post(f"{path}/share"), 201)
    assert_ok(owner.delete(path))
    assert_error(harness.client.simulate_get(f"{GROUPS}/shared/{third['token']}"), 404,
                 "NOT_FOUND")


def test_practise_a_group_as_a_mock_interview(make_app):
    harness = make_app(plugins=["plans", "interview"])
    caller = harness.api_caller()
    group = _create(caller)
    ids = [q["id"] for q in group["questions"]]
    path = f"{GROUPS}/{group['id']}"
    assert_ok(caller.patch(path, json={"order": [ids[3], ids[0], ids[1], ids[2]]}))
    mock = assert_ok(caller.post(f"{path}/practice", json={"questionCount": 3}), 201)
    assert [q["id"] for q in mock["questions"]] == [ids[3], ids[0], ids[1]]
    assert mock["groupId"] == group["id"] and mock["role"] == "Onsite round"
    assert mock["status"] == "in_progress" and mock["currentQuestionId"] == ids[3]
    # It is an ordinary mock: answered and scored on the existing path, progress on the group.
    answer = assert_ok(caller.post(f"/api/mock-interview/{mock['id']}/answers", json={
        "questionId": ids[3], "answer": "Your size lets me own a whole product area; at Acme "
                                        "I grew signups 30% in a team of eight."}), 201)
    assert answer["overall"] is not None
    practised = assert_ok(caller.get(path))["questions"][0]
    assert practised["id"] == ids[3] and practised["attemptCount"] == 1
    assert assert_ok(caller.get(f"/api/mock-interview/{mock['id']}"))["groupId"] == group["id"]
    # Metered like any mock: free accounts start 3 per rolling week.
    assert_ok(caller.post(f"{path}/practice", json={}), 201)
    assert_ok(caller.post("/api/mock-interview", json={
        "company": "Acme", "role": "Engineer", "interviewType": "behavioral"}), 201)
    error = assert_error(caller.post(f"{path}/practice", json={}), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "mock_interviews"
    assert_error(caller.post(f"{path}/practice", json={"questionCount": 11}), 400, "VALIDATION")


def test_a_user_has_at_most_fifty_groups(make_app):
    caller = make_app(plugins=["plans", "interview"]).api_caller()
    first = _bank(caller, 1)[0]
    body = {"name": "g", "questions": [{"questionId": first["id"]}]}
    # A refused create gives its slot back.
    assert_error(caller.post(GROUPS, json={"name": "g", "questions": [{"questionId": "0" * 24}]}),
                 404, "NOT_FOUND")
    created = [assert_ok(caller.post(GROUPS, json=body), 201) for _ in range(50)]
    assert_error(caller.post(GROUPS, json=body), 400, "VALIDATION")
    assert_ok(caller.delete(f"{GROUPS}/{created[0]['id']}"))
    assert_ok(caller.post(GROUPS, json=body), 201)
