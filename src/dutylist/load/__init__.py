"""Reading catalogues: YAML with source positions, schema validation, the model."""
