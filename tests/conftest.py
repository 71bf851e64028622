import sys
from pathlib import Path

# tests/tiny.py and friends are imported by name
sys.path.insert(0, str(Path(__file__).parent))
