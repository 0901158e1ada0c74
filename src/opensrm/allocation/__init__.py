"""Allocation: what-if plans over who serves what, solved by the allocation engine.

Owns allocation plans (``AllocationPlan``, app label ``territories``, decision 0008) of three
kinds, each a module of :mod:`opensrm.allocation.kinds` implementing gather → solve → store →
apply → roll back: rep ↔ account assignment, territory alignment and lead routing; their lines,
per-rep loads, unit lines and the e-mails sent on apply; the balance-vs-moves trade-off; the
routing policy and the routing of each new lead (a handler of crm's ``LeadCreated``).

Imports, from outside the app: ``opensrm.core`` (platform), ``opensrm.people`` (reps, teams),
``opensrm.crm`` (accounts, leads and territories, read through its models and selectors and
written through its services; crm's ``Territory`` stays in crm, where its services live) and, in
``engine.py`` only, ``opensrm.engines.allocation``. Nothing outside imports this app but the
entry points (``config`` mounts its URLs and API, ``opensrm.cli`` its command, the demo its
planning step).

Inside, each module imports only modules listed before it: ``models`` → ``parameters``,
``policies`` → ``selectors`` → ``engine`` → ``presentation`` → ``kinds`` → ``services`` →
``handlers``, ``tasks`` (a task body calls its service: the one function-level import, besides
``apps.py``'s ``ready()``) → ``schemas``, ``forms`` →
``api``, ``views``, ``urls``, ``admin``, ``cli``, ``cycle`` (the demo's planning step).
"""
