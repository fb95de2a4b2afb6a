"""Compare two governments issue by issue: US–Russia relations under Trump and Putin."""
