"""The canonical stage: short syntax to the long syntax `config` prints, kind by kind."""
