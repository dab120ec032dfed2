"""Reports: PRISMA counts and diagrams, search logs, record lists and tables."""
