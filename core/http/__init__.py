"""HTTP layer of the core: route options, the request pipeline, the envelope, OpenAPI."""
