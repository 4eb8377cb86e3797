"""``/api/mentors`` (find a mentor) and ``/api/mentorship/...`` (profile, slots, bookings)."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint, page_schema
from lightninghire_plugins.interview.mentorship.schemas import (
    BookingIn,
    BookingOut,
    BookingQuery,
    MentorOut,
    MentorPage,
    MentorQuery,
    ProfileIn,
    SlotList,
    SlotsIn,
)
from lightninghire_plugins.interview.mentorship.service import MentorshipService

MANAGE = "mentorship:manage"


class MentorsResource(Resource[MentorshipService]):
    @endpoint(query=MentorQuery, response=MentorPage,
              description="Ranked by how well a mentor's roles and expertise match your "
                          "target roles (from your profile) and `q`.")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Find a mentor."""
        return self.service.mentors(req.context.principal.user, req.context.query)

    @endpoint(response=MentorOut)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One mentor with their open slots."""
        return self.service.mentor(id)


class ProfileResource(Resource[MentorshipService]):
    @endpoint(body=ProfileIn, response=MentorOut, permission=MANAGE,
              description="Needs the `mentor` role (set by an admin).")
    def on_put(self, req: Any, resp: Any) -> dict[str, Any]:
        """Create or update your mentor profile."""
        return self.service.save_profile(req.context.principal.user_id, req.context.body)

    @endpoint(response=MentorOut, permission=MANAGE)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your mentor profile with your open slots."""
        return self.service.profile(req.context.principal.user_id)


class SlotsResource(Resource[MentorshipService]):
    @endpoint(body=SlotsIn, response=SlotList, status=201, permission=MANAGE)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Offer bookable slots."""
        return self.service.add_slots(req.context.principal.user_id,
                                      req.context.body["slots"])

    @endpoint(response=SlotList, permission=MANAGE)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your future slots, booked or open."""
        return self.service.my_slots(req.context.principal.user_id)

    @endpoint(permission=MANAGE)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Withdraw an open slot."""
        self.service.delete_slot(req.context.principal.user_id, id)
        return {"deleted": True}


class BookingsResource(Resource[MentorshipService]):
    @endpoint(body=BookingIn, response=BookingOut, status=201,
              description="A slot already taken answers 409.")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Book a mentor's slot."""
        return self.service.book(req.context.principal.user_id, req.context.body)

    @endpoint(query=BookingQuery, response=page_schema(BookingOut))
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your bookings as mentee (default) or as mentor (`role=mentor`)."""
        return self.service.bookings(req.context.principal.user_id, req.context.query)

    @endpoint(response=BookingOut)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One of your bookings."""
        return self.service.get_booking(req.context.principal.user_id, id)


class CancelResource(Resource[MentorshipService]):
    @endpoint(response=BookingOut)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Cancel a booking (either side); the slot opens again."""
        return self.service.cancel(req.context.principal.user_id, id)
