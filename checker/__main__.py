"""``python -m checker DIR``: check DIR/plan.json against DIR/resolved.json."""

from checker.run import main

if __name__ == "__main__":
    raise SystemExit(main())
