"""Binding: a LoadedProject's canonical data to the frozen model, all misfits at once."""
