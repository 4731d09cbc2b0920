from commdash.cli import main

raise SystemExit(main())
