from fieldbrief.cli import main

raise SystemExit(main())
