"""Map speaker names (``T``, ``Client``, ``Dr. Lee``, ``SPEAKER_00``) to roles."""

from __future__ import annotations

import re

from pipeline.datamodel import Role
from pipeline.errors import RuptureError

THERAPIST_NAMES = {
    "t",
    "th",
    "therapist",
    "counselor",
    "counsellor",
    "clinician",
    "psychiatrist",
    "psychologist",
    "doctor",
    "dr",
    "interviewer",
    "resident",
    "nurse",
    "np",
    "provider",
    "physician",
    "trainee",
    "coach",
}
PATIENT_NAMES = {"p", "pt", "patient", "client", "c", "cl", "interviewee"}
_TITLE = re.compile(r"^(dr|doctor|prof|nurse)\.?\s+\S", re.IGNORECASE)


def parse_roles(spec: str | None) -> dict[str, str]:
    """Parse ``--roles "Anna=patient,Dr. Lee=therapist"`` into a name -> role map.

    Example:
        >>> parse_roles("SPEAKER_00=therapist, SPEAKER_01=patient")
        {'speaker_00': 'therapist', 'speaker_01': 'patient'}
    """
    roles: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        name, sep, role = part.rpartition("=")
        role = role.strip().lower()
        if not sep or not name.strip() or role not in {r.value for r in Role}:
            raise RuptureError(
                f"--roles: cannot read {part.strip()!r}; write NAME=ROLE pairs separated by commas, "
                "ROLE one of patient, therapist, other"
            )
        roles[normalise(name)] = role
    return roles


def normalise(name: str) -> str:
    return " ".join(name.strip().lower().split())


def role_of(name: str, roles: dict[str, str] | None = None) -> str | None:
    """The role of a speaker name: the user's map first, then common names and titles."""
    key = normalise(name)
    if roles and key in roles:
        return roles[key]
    bare = key.rstrip(".")
    if bare in THERAPIST_NAMES or _TITLE.match(key):
        return Role.therapist.value
    if bare in PATIENT_NAMES:
        return Role.patient.value
    return None
