"""The structured resume builder: sections as fields, immutable saved versions, PDF export."""
