from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire.api import PageQuery, Timestamp

STATUSES = ("draft", "active", "on_hold", "filled", "archived")
WORK_MODES = ("remote", "hybrid", "onsite")
EMPLOYMENT = ("full_time", "part_time", "contract")


def _names(n: int = 30) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(1, 100)),
                       validate=validate.Length(max=n))


class HiringTeamMember(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    title = fields.String(validate=validate.Length(max=120))
    email = fields.Email(validate=validate.Length(max=254))


class RoleFields(Schema):
    department = fields.String(validate=validate.Length(max=100))
    location = fields.String(validate=validate.Length(max=200))
    employmentType = fields.String(validate=validate.OneOf(EMPLOYMENT))
    workMode = fields.String(validate=validate.OneOf(WORK_MODES))
    compensationMin = fields.Integer(validate=validate.Range(0, 10_000_000))
    compensationMax = fields.Integer(validate=validate.Range(0, 10_000_000))
    description = fields.String(validate=validate.Length(max=50_000))
    requiredSkills = _names()
    niceToHaveSkills = _names()
    competencies = _names(12)
    hiringTeam = fields.List(fields.Nested(HiringTeamMember), validate=validate.Length(max=20))


class RoleIn(RoleFields):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    status = fields.String(load_default="draft", validate=validate.OneOf(STATUSES))


class RolePatch(RoleFields):
    title = fields.String(validate=validate.Length(1, 200))
    status = fields.String(validate=validate.OneOf(STATUSES))


class RoleQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES))
    q = fields.String(validate=validate.Length(1, 100))


class RoleOut(RoleFields):
    id = fields.String()
    title = fields.String()
    status = fields.String()
    stageCounts = fields.Dict(keys=fields.String(), values=fields.Integer())
    createdAt = Timestamp()
    updatedAt = Timestamp()
