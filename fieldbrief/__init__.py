"""fieldbrief: an offline terminal briefing browser for news analysts."""

__version__ = "0.1.0"
