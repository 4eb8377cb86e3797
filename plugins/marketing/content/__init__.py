"""Content APIs ``blog``, ``courses``, ``help``, ``public``: Markdown with front matter shipped in
``pages/``, seeded into the database at startup, edited by admins through the API."""
