"""The demo company: a realistic sales organisation generated from a seed.

:mod:`opensrm.demo.generate` builds it as plain columns (pure, deterministic);
:mod:`opensrm.demo.load` writes it to the database with its history.

An entry point: may import every app; nothing but the CLI imports it.
"""
