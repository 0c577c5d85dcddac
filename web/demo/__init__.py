"""Demo data for `make run` and the hub benchmark: `flask seed-demo` calls seed().

data.py holds the made-up organisations and names (and Size, how large a hub to make), area.py spreads a
large hub over Greater Manchester, students.py draws the pupils and their choices, seed.py writes it all, and
planner.py runs the year planner over the small demo hub.
"""

from web.demo.data import Size
from web.demo.seed import DEMO_PASSWORD, LOGINS, OPPORTUNITIES_PER_EMPLOYER, seed

__all__ = ["DEMO_PASSWORD", "LOGINS", "OPPORTUNITIES_PER_EMPLOYER", "Size", "seed"]
