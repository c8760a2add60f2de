"""The audit trail of the registries (等保 2.0 security audit: who did what, when, how,
with what result; kept and protected).

Built on django-auditlog: ``trail`` says what is kept and masked, ``context`` how each
channel names itself, ``bulk`` the entries of paths that write without model signals,
``history`` and ``admin`` how city staff read it. Nothing in the platform changes or
deletes an entry.
"""
