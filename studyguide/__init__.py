"""studyguide: compile question-and-answer Markdown into printable study guides."""

__version__ = "0.1.0"
