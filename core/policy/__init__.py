"""Authorization: Casbin role policy for route permissions (and, with the entitlement engine,
tier features). Deployers change policy with a file, not code."""

from lightninghire.policy.engine import CORE_POLICY, PermissionStage, PolicyEngine
from lightninghire.policy.ratelimit import Decision, RateLimitStore

__all__ = ["CORE_POLICY", "Decision", "PermissionStage", "PolicyEngine", "RateLimitStore"]
