"""Widgets of the trainee UI."""
