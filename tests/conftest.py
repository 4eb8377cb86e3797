"""Shared by every test folder. The fixtures themselves come from ``lightninghire.testing``,
which pytest loads through the ``pytest11`` entry point of the installed package."""
