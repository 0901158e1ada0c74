"""People: the team tree, users and their roles, rep profiles (skills, capacity, home base).

May import: ``opensrm.core``.
"""
