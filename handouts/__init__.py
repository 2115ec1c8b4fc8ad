"""handouts: plain-language patient handouts from clinician-written condition sheets.

The model proposes, the checks dispose, the clinician signs.
"""

__version__ = "0.1.0"
