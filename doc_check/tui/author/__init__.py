"""The instructor's authoring app (`doc-check author`): sample library, sample maker, exercise builder."""
