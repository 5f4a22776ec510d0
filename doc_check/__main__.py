"""Run the command line as ``python -m doc_check``."""

from doc_check.cli import main

if __name__ == "__main__":
    main()
