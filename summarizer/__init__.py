"""nttr: "No time to read?" faithful, cited, extractive digests of news coverage."""

__version__ = "0.1.0"
