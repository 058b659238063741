"""Use cases. Each takes a Session plus explicit collaborators; commits happen at the edge."""
