"""Reading: the only code that opens files or decodes bytes (YAML 1.2, strict JSON, the loader)."""
