"""Synthetic Utopia documents: reference specimens, genuine samples, forgeries and their captures."""
