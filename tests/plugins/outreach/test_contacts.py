"""Contacts: CRUD, search, CSV import, the free cap, and nobody else's contacts."""

from __future__ import annotations

from lightninghire.testing import assert_error, assert_ok
from tests.plugins.outreach.conftest import DANA, add_contact


def test_a_contact_is_created_read_changed_and_deleted(sam):
    created = add_contact(sam, tags=["ML", " ml", "Alumni"], notes="Met at PyCon",
                          linkedinUrl="https://www.linkedin.com/in/danakim")
    assert created["name"] == "Dana Kim" and created["warmth"] == "cold"
    assert created["tags"] == ["ml", "alumni"]
    assert created["lastContactedAt"] is None and created["warmthDecay"] is False

    assert assert_ok(sam.get(f"/api/contacts/{created['id']}")) == created
    changed = assert_ok(sam.patch(f"/api/contacts/{created['id']}", json={
        "warmth": "hot", "nextFollowUpAt": "2030-01-05T09:00:00Z", "phone": "+1 555 0100"}))
    assert changed["warmth"] == "hot" and changed["phone"] == "+1 555 0100"
    assert changed["nextFollowUpAt"] == "2030-01-05T09:00:00.000Z"
    assert changed["company"] == "Acme Health"  # untouched fields stay
    # A time without an offset is UTC; one with an offset is converted.
    naive = assert_ok(sam.patch(f"/api/contacts/{created['id']}", json={
        "lastContactedAt": "2026-01-05T09:00:00", "nextFollowUpAt": "2030-01-05T11:00:00+02:00"}))
    assert naive["lastContactedAt"] == "2026-01-05T09:00:00.000Z"
    assert naive["nextFollowUpAt"] == "2030-01-05T09:00:00.000Z"

    assert assert_ok(sam.delete(f"/api/contacts/{created['id']}")) == {"deleted": True}
    assert_error(sam.get(f"/api/contacts/{created['id']}"), 404, "NOT_FOUND")


def test_bad_input_is_refused_field_by_field(sam):
    error = assert_error(sam.post("/api/contacts", json={**DANA, "warmth": "lukewarm"}),
                         400, "VALIDATION")
    assert "warmth" in error["fields"]
    assert_error(sam.post("/api/contacts", json={**DANA, "nickname": "D"}), 400, "VALIDATION")
    assert_error(sam.post("/api/contacts", json={**DANA, "name": "x" * 121}), 400, "VALIDATION")
    assert_error(sam.post("/api/contacts", json={**DANA, "tags": ["t"] * 21}), 400, "VALIDATION")
    assert_error(sam.post("/api/contacts", json={**DANA, "email": "not-an-email"}),
                 400, "VALIDATION")
    assert_error(sam.post("/api/contacts", json={"email": "a@example.com"}), 400, "VALIDATION")
    assert_error(sam.get("/api/contacts/not-an-id"), 404, "NOT_FOUND")


def test_search_matches_name_company_title_and_tags_and_filters_combine(sam):
    add_contact(sam)
    add_contact(sam, name="Priya Patel", email="priya@northwind.test", company="Northwind",
                title="Data Lead", warmth="warm", tags=["alumni"])
    add_contact(sam, name="Lee Chen", email=None, company="Contoso", title="Recruiter",
                warmth="hot")

    def names(query: str) -> list[str]:
        return [c["name"] for c in assert_ok(sam.get(f"/api/contacts?{query}"))["items"]]

    assert names("") == ["Lee Chen", "Priya Patel", "Dana Kim"]  # newest first
    assert names("q=ACME") == ["Dana Kim"]
    assert names("q=recruit") == ["Lee Chen"]
    assert names("q=alumni") == ["Priya Patel"]
    assert names("q=a.c") == []  # the query is text, not a pattern
    assert names("warmth=warm") == ["Priya Patel"]
    assert names("tag=Alumni") == ["Priya Patel"]
    assert names("q=lee&warmth=cold") == []
    page = assert_ok(sam.get("/api/contacts?limit=2"))
    assert len(page["items"]) == 2 and page["nextCursor"]
    rest = assert_ok(sam.get(f"/api/contacts?limit=2&cursor={page['nextCursor']}"))
    assert [c["name"] for c in rest["items"]] == ["Dana Kim"] and rest["nextCursor"] is None
    assert_error(sam.get("/api/contacts?warmth=tepid"), 400, "VALIDATION")


def test_due_follow_ups_and_warmth_decay_follow_the_clock(sam, clock):
    dana = add_contact(sam, warmth="hot", lastContactedAt=clock.now().isoformat())
    assert assert_ok(sam.patch(f"/api/contacts/{dana['id']}", json={
        "nextFollowUpAt": (clock.now().replace(microsecond=0)).isoformat()}))
    assert [c["id"] for c in assert_ok(sam.get("/api/contacts?followUpDue=true"))["items"]] \
        == [dana["id"]]
    clock.advance(days=89)
    assert assert_ok(sam.get(f"/api/contacts/{dana['id']}"))["warmthDecay"] is False
    clock.advance(days=1)
    assert assert_ok(sam.get(f"/api/contacts/{dana['id']}"))["warmthDecay"] is True


def test_another_users_contact_is_404_for_every_method(app, sam):
    dana = add_contact(sam)
    other = app.api_caller()
    for result in (other.get(f"/api/contacts/{dana['id']}"),
                   other.patch(f"/api/contacts/{dana['id']}", json={"warmth": "hot"}),
                   other.delete(f"/api/contacts/{dana['id']}")):
        assert_error(result, 404, "NOT_FOUND")
    assert assert_ok(other.get("/api/contacts"))["items"] == []
    assert assert_ok(other.get("/api/contacts?q=dana"))["items"] == []
    assert assert_ok(sam.get(f"/api/contacts/{dana['id']}"))["warmth"] == "cold"


def test_free_accounts_keep_15_contacts_and_pro_is_unlimited(app, sam):
    for n in range(15):
        add_contact(sam, name=f"Contact {n}", email=f"c{n}@example.com")
    error = assert_error(sam.post("/api/contacts", json=DANA), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "contacts" and error["limit"] == 15 and error["upgradeHint"]
    pro = app.api_caller(tier="pro")
    for n in range(16):
        add_contact(pro, name=f"Contact {n}", email=f"c{n}@example.com")


CSV = """First Name,Last Name,Email Address,Company,Position,URL,Tags,Warmth,Ignored
Dana,Kim,dana@example.com,Acme Health,Engineering Manager,https://linkedin.com/in/dana,ml; alumni,HOT,x
Priya,Patel,priya@example.com,Northwind,Data Lead,,,warm,
Bad,Email,not-an-email,Contoso,,,,,
Dana,Again,DANA@example.com,Acme,,,,,
,,,,,,,,
Lee,Chen,,Contoso,Recruiter,,,tepid,
"""


def test_csv_import_maps_common_headers_and_reports_every_row(sam):
    add_contact(sam, name="Existing", email="priya@example.com")
    result = assert_ok(sam.post("/api/contacts/import", json={"csv": CSV}))
    assert result["imported"] == 1 and result["duplicates"] == 2
    assert [p["row"] for p in result["invalid"]] == [3, 5]
    assert "email" in result["invalid"][0]["fields"] and "warmth" in result["invalid"][1]["fields"]
    assert result["limitReached"] is False and result["notImported"] == 0
    [dana] = [c for c in assert_ok(sam.get("/api/contacts"))["items"] if c["name"] == "Dana Kim"]
    assert dana["id"] == result["ids"][0]
    assert dana["company"] == "Acme Health" and dana["title"] == "Engineering Manager"
    assert dana["warmth"] == "hot" and dana["tags"] == ["ml", "alumni"]
    assert dana["linkedinUrl"] == "https://linkedin.com/in/dana"


def test_csv_import_stops_at_the_cap_and_refuses_when_nothing_fits(sam):
    for n in range(13):
        add_contact(sam, name=f"Contact {n}", email=f"c{n}@example.com")
    rows = "\n".join(f"Person {n},p{n}@example.com" for n in range(5))
    result = assert_ok(sam.post("/api/contacts/import", json={"csv": f"name,email\n{rows}\n"}))
    assert result["imported"] == 2 and result["notImported"] == 3 and result["limitReached"]
    error = assert_error(sam.post("/api/contacts/import",
                                  json={"csv": "name\nOne more\n"}), 402, "PAYMENT_REQUIRED")
    assert error["feature"] == "contacts"
    assert len(assert_ok(sam.get("/api/contacts?limit=100"))["items"]) == 15


def test_csv_import_needs_a_name_column_and_a_bounded_file(sam):
    error = assert_error(sam.post("/api/contacts/import", json={"csv": "email\na@b.co\n"}),
                         400, "VALIDATION")
    assert "name" in error["fields"]["csv"][0]
    assert_error(sam.post("/api/contacts/import", json={"csv": "x" * (512 * 1024 + 1)}),
                 400, "VALIDATION")
    assert_error(sam.post("/api/contacts/import",
                          json={"csv": "name\n" + "\n".join(f"P{n}" for n in range(1001))}),
                 400, "VALIDATION")


def test_csv_import_with_an_oversized_field_is_the_same_clear_400(sam):
    """Issue 18, finding 11: the same rule and message as the candidates import."""
    huge = "name,notes\nAda Lovelace,short\nGrace Hopper," + "x" * 131_073 + "\n"
    error = assert_error(sam.post("/api/contacts/import", json={"csv": huge}), 400, "VALIDATION")
    assert error["fields"]["csv"] == [
        "Row 2 has a field longer than 131,072 characters: shorten it or split the file."]
    assert assert_ok(sam.get("/api/contacts"))["items"] == []
