"""The jobsearch plugin's settings (``[plugins.jobsearch]``): a schema the plugin host loads."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lightninghire_plugins.jobsearch.resumes.service import PDF_DEFAULTS


class JobsearchSettingsSchema(Schema):
    """Limits of the child process that reads an uploaded PDF or DOCX (docs/jobsearch.md)."""

    pdf_max_pages = fields.Integer(load_default=PDF_DEFAULTS["pdf_max_pages"],
                                   validate=validate.Range(min=1))
    pdf_cpu_seconds = fields.Integer(load_default=PDF_DEFAULTS["pdf_cpu_seconds"],
                                     validate=validate.Range(min=1))
    pdf_max_stream_mb = fields.Integer(load_default=PDF_DEFAULTS["pdf_max_stream_mb"],
                                       validate=validate.Range(min=1))
    pdf_memory_mb = fields.Integer(load_default=PDF_DEFAULTS["pdf_memory_mb"],
                                   validate=validate.Range(min=64))
