"""Tables, repositories, migrations and the engine: the only part of the platform speaking SQL."""
