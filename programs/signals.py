"""What the programs' services announce, for ``programs.triggers`` to act on: the services
never import the tasks (the tasks run the services)."""
from django.dispatch import Signal

#: A briefing was requested and its transaction committed; ``briefing_id`` is the row.
briefing_requested = Signal()
