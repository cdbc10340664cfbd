#!/usr/bin/env python
from lindungi.cli import main

if __name__ == "__main__":
    main()
