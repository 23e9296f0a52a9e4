"""Fact extraction: tokenising, sentence splitting, named entities and facts."""
