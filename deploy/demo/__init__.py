"""Demo data for `make run`: the seed casebook's stories, played through the services' HTTP APIs."""
