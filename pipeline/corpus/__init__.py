"""The project's scripted, hand-coded corpus: source parsing, building, validation, stats."""
