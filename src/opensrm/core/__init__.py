"""The platform every app stands on.

Owns: ``BaseModel`` (timestamps, version, soft delete), roles, the visibility rule and the
registry of visibility grants, ``record_save``, the keyset cursor, the event bus, generic write
services (recycle bin, restore, purge), domain errors, API infrastructure (auth, tokens,
problem+json, ETag, pagination, history), jobs, currencies and PDF rendering.

May import: Django and libraries only; no OpenSRM app (apps register with core instead).
"""
